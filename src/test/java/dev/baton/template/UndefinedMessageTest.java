package dev.baton.template;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An undefined name taken from template text must still give a one-line error. */
class UndefinedMessageTest {
  @Test
  void aNameSpanningLinesIsShownOnOneLine() {
    String msg = new Undefined.UndefinedUse("first\nsecond\r\nthird").getMessage();
    assertThat(msg).doesNotContain("\n").doesNotContain("\r");
    assertThat(msg).isEqualTo("undefined variable 'first\\nsecond\\r\\nthird'");
  }

  @Test
  void aVeryLongNameIsShortened() {
    String msg = new Undefined.UndefinedUse("x".repeat(5000)).getMessage();
    assertThat(msg.length()).isLessThan(260);
  }
}

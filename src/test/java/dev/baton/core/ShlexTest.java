package dev.baton.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Python's {@code shlex.split} in POSIX mode; each expectation is what Python 3 prints for the same
 * line ({@code python3 -c 'import shlex; print(shlex.split(LINE))'}).
 */
class ShlexTest {
  @Test
  void quotesGroupAndAreRemoved() throws Exception {
    assertThat(Shlex.words("ls -l \"my dir\" 'it''s'"))
        .containsExactly("ls", "-l", "my dir", "its");
  }

  @Test
  void insideDoubleQuotesABackslashEscapesOnlyTheQuoteAndItself() throws Exception {
    // shlex.split(r'echo "a\$b" "c\"d" "e\\f" "g\`h"') == ['echo', 'a\\$b', 'c"d', 'e\\f', 'g\\`h']
    assertThat(Shlex.words("echo \"a\\$b\" \"c\\\"d\" \"e\\\\f\" \"g\\`h\""))
        .containsExactly("echo", "a\\$b", "c\"d", "e\\f", "g\\`h");
  }

  @Test
  void aHashEndsTheLineOnlyWithComments() throws Exception {
    assertThat(Shlex.words("echo a#b # c")).containsExactly("echo", "a#b", "#", "c");
    assertThat(Shlex.split("host1 x=1 # c", true))
        .containsExactly(new Shlex.Word("host1", 0), new Shlex.Word("x=1", 6));
  }

  @Test
  void anOpenQuoteOrATrailingBackslashIsRefusedAsShlexRefusesIt() {
    assertThatThrownBy(() -> Shlex.words("echo 'a"))
        .isInstanceOf(Shlex.SplitException.class)
        .hasMessage("No closing quotation");
    assertThatThrownBy(() -> Shlex.words("echo a\\"))
        .isInstanceOf(Shlex.SplitException.class)
        .hasMessage("No escaped character");
  }
}

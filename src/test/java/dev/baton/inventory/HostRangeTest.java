package dev.baton.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostRangeTest {
  @Test
  void numericRangeKeepsLeadingZeros() {
    assertThat(HostRange.expand("db[08:11].example.com"))
        .containsExactly(
            "db08.example.com", "db09.example.com", "db10.example.com", "db11.example.com");
  }

  @Test
  void rangeWithoutLeadingZerosHasNoPadding() {
    assertThat(HostRange.expand("n[9:11]")).containsExactly("n9", "n10", "n11");
  }

  @Test
  void letterRange() {
    assertThat(HostRange.expand("web-[a:d]")).containsExactly("web-a", "web-b", "web-c", "web-d");
  }

  @Test
  void stepSkipsValues() {
    assertThat(HostRange.expand("h[1:10:2]")).containsExactly("h1", "h3", "h5", "h7", "h9");
    assertThat(HostRange.expand("x[a:f:2]")).containsExactly("xa", "xc", "xe");
    assertThat(HostRange.expand("p[01:10:3]")).containsExactly("p01", "p04", "p07", "p10");
  }

  @Test
  void severalRangesMultiply() {
    assertThat(HostRange.expand("r[1:2]-n[a:b]"))
        .containsExactly("r1-na", "r1-nb", "r2-na", "r2-nb");
  }

  @Test
  void emptyBeginMeansZero() {
    assertThat(HostRange.expand("h[:2]")).containsExactly("h0", "h1", "h2");
  }

  @Test
  void nameWithoutRangeIsItself() {
    assertThat(HostRange.expand("plain.example.com")).containsExactly("plain.example.com");
  }

  @Test
  void refusesUnequalWidthsAndBadBounds() {
    assertThatThrownBy(() -> HostRange.expand("db[01:100]"))
        .hasMessage("host range must specify equal-length begin and end formats");
    assertThatThrownBy(() -> HostRange.expand("db[1:]"))
        .hasMessage("host range must specify end value");
    assertThatThrownBy(() -> HostRange.expand("db[1]"))
        .hasMessage("host range must be begin:end or begin:end:step, got [1]");
    assertThatThrownBy(() -> HostRange.expand("db[f:a]"))
        .hasMessage("host range must have begin <= end");
    assertThatThrownBy(() -> HostRange.expand("db[1:x]"))
        .hasMessage("host range end 'x' is not a number");
  }
}

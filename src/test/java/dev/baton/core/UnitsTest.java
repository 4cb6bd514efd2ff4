package dev.baton.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void secondsReadAsPercentPointTwoFWould() {
    for (long ms = 0; ms < 200_000; ms++) {
      assertThat(Units.seconds(ms)).isEqualTo(String.format("%.2fs", ms / 1000.0));
    }
    assertThat(Units.seconds(86_400_000L)).isEqualTo("86400.00s");
  }

  @Test
  void sizesAndDurations() {
    assertThat(Units.bytes(512)).isEqualTo("512 B");
    assertThat(Units.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Units.duration(59)).isEqualTo("59s");
    assertThat(Units.duration(61)).isEqualTo("1m01s");
    assertThat(Units.duration(7260)).isEqualTo("2h01m");
  }
}

package dev.baton.openedge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The after-image rules of a seed, on the output of {@code rfutil -C aimage extent list}. */
class AiExtentsTest {
  private static final String WHERE = "secondary:/db/sports";

  private static String block(int n, String status, boolean fixed, long size, long used) {
    return "Extent:  "
        + n
        + "\nStatus:  "
        + status
        + "\nType:    "
        + (fixed ? "Fixed Length" : "Variable Length")
        + "\nPath:    /db/sports.a"
        + n
        + "\nSize:    "
        + size
        + "\nUsed:    "
        + used
        + "\nStart:   "
        + (status.equals("Empty") ? "N/A" : "Mon Dec 7 10:00:00 2026")
        + "\nSeqno:   "
        + n
        + "\n\n";
  }

  private static List<ReplRules.Check> judge(String list, Double rate, boolean seedTaken) {
    return AiExtents.judge(WHERE, AiExtents.parse(list), rate, "openedge_ai_rate", 3600, seedTaken);
  }

  @Test
  void fixedExtentsThatFillBeforeTheWindowEndsAreRefusedWithTheNumbers() {
    String list =
        block(1, "Busy", true, 1024, 10)
            + block(2, "Empty", true, 1024, 0)
            + block(3, "Empty", true, 1024, 0);
    List<ReplRules.Check> c = judge(list, 1.0, false);
    assertThat(c).extracting(ReplRules.Check::ok).containsExactly(true, false);
    assertThat(c.get(1).problem())
        .isEqualTo(
            WHERE
                + ": 2 EMPTY fixed extent(s) hold 2048 KB, but 1.0 KB/s (openedge_ai_rate) for the"
                + " seed window of 3600 s (seed_window) writes 3600 KB: the source would stall"
                + " (3054) before the target catches up; add after-image extents or shorten the"
                + " window");
    assertThat(judge(list, 0.5, false)).allMatch(ReplRules.Check::ok);
  }

  @Test
  void aVariableExtentInTheRunHoldsAnythingAndAnUnknownRateIsSaid() {
    String variable =
        block(1, "Busy", false, 0, 10)
            + block(2, "Empty", true, 64, 0)
            + block(3, "Empty", false, 0, 0);
    assertThat(judge(variable, null, false)).allMatch(ReplRules.Check::ok);
    String fixed = block(1, "Busy", true, 64, 10) + block(2, "Empty", true, 64, 0);
    assertThat(judge(fixed, null, false).get(1).problem())
        .endsWith("the source's write rate is unknown; set openedge_ai_rate (KB/s)");
  }

  @Test
  void theSwitchNeedsTheNextExtentEmptyUnlessThisRunsSeedIsTaken() {
    String list =
        block(1, "Locked", true, 1024, 1024)
            + block(2, "Busy", true, 1024, 100)
            + block(3, "Locked", true, 1024, 1024);
    assertThat(judge(list, 0.1, false))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.problem())
                    .startsWith(WHERE + ": after-image extent 3 (/db/sports.a3) is LOCKED")
                    .contains("(1 LOCKED, 2 BUSY, 3 LOCKED)"));
    // Resumed after its own seed backup: the BUSY extent's 924 KB of room is what is left.
    assertThat(judge(list, 0.2, true)).allMatch(ReplRules.Check::ok);
    assertThat(judge(list, 0.3, true).get(1).problem()).contains("hold 924 KB, but 0.3 KB/s");
  }

  @Test
  void noAfterImagingOrASingleExtentCannotSeed() {
    assertThat(judge("", 1.0, false).get(0).problem()).contains("after-imaging is not enabled");
    assertThat(judge(block(1, "Busy", false, 0, 1), 1.0, false).get(0).problem())
        .contains("1 after-image extent(s), none to switch to");
  }

  @Test
  void theRateIsMeasuredFromTheBusyExtentInTheHostsLocalTime() {
    List<AiExtents.Extent> e = AiExtents.parse(block(1, "Busy", false, 0, 3600));
    assertThat(AiExtents.measuredRate(e, LocalDateTime.of(2026, 12, 7, 11, 0))).isEqualTo(1.0);
    assertThat(AiExtents.measuredRate(e, null)).isNull();
  }
}

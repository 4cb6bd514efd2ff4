package dev.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ssh.FileStat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The range log's text: what a resume trusts, what it ignores, what it moves again. */
class RangeLogTest {
  static final long MIB = 1 << 20;
  static final FileStat SOURCE = new FileStat("/b/s.bck", "file", 10 * MIB, 0640, 1765152000, "0");

  static final String HEADER = "baton-ranges 1 size=" + 10 * MIB + " mtime=1765152000\n";

  @Test
  void finishedRangesAreMergedAndTheGapsCutIntoRanges() {
    String text = HEADER + (4 * MIB) + " " + (2 * MIB) + "\n0 " + (2 * MIB) + "\n";
    List<RangeLog.Range> done = RangeLog.parse(text, SOURCE, 6 * MIB).orElseThrow();
    assertThat(done)
        .containsExactly(new RangeLog.Range(0, 2 * MIB), new RangeLog.Range(4 * MIB, 2 * MIB));
    assertThat(RangeLog.covered(done)).isEqualTo(4 * MIB);
    assertThat(RangeLog.missing(done, 10 * MIB, 3 * MIB))
        .containsExactly(
            new RangeLog.Range(2 * MIB, 2 * MIB),
            new RangeLog.Range(6 * MIB, 3 * MIB),
            new RangeLog.Range(9 * MIB, MIB));
  }

  @Test
  void touchingRangesJoin() {
    assertThat(RangeLog.merge(List.of(new RangeLog.Range(MIB, MIB), new RangeLog.Range(0, MIB))))
        .containsExactly(new RangeLog.Range(0, 2 * MIB));
  }

  @Test
  void aLineCutShortByALostLinkIsIgnored() {
    String text = HEADER + "0 " + MIB + "\n" + MIB + " 10";
    assertThat(RangeLog.parse(text, SOURCE, 2 * MIB).orElseThrow())
        .containsExactly(new RangeLog.Range(0, MIB));
  }

  @Test
  void aLogOfAnotherSourceFileOrBeyondThePartIsNotTrusted() {
    String otherMtime = "baton-ranges 1 size=" + 10 * MIB + " mtime=1\n0 " + MIB + "\n";
    assertThat(RangeLog.parse(otherMtime, SOURCE, 10 * MIB)).isEmpty();
    String otherSize = "baton-ranges 1 size=" + 9 * MIB + " mtime=1765152000\n0 " + MIB + "\n";
    assertThat(RangeLog.parse(otherSize, SOURCE, 10 * MIB)).isEmpty();
    // A range that ends past the part's size was never written there.
    assertThat(RangeLog.parse(HEADER + "0 " + 2 * MIB + "\n", SOURCE, MIB)).isEmpty();
    assertThat(RangeLog.parse("garbage\n", SOURCE, MIB)).isEmpty();
  }

  @Test
  void nothingFinishedMeansTheWholeFileInRanges() {
    assertThat(RangeLog.missing(List.of(), 5 * MIB, 2 * MIB))
        .containsExactly(
            new RangeLog.Range(0, 2 * MIB),
            new RangeLog.Range(2 * MIB, 2 * MIB),
            new RangeLog.Range(4 * MIB, MIB));
  }
}

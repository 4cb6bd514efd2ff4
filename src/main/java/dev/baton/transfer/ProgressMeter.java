package dev.baton.transfer;

import dev.baton.modules.ModuleContext;
import java.util.Locale;

/** Turns byte counts into progress reports with rate and ETA, at most a few per second. */
final class ProgressMeter {
  private static final long MIN_INTERVAL_NANOS = 250_000_000L;

  private final ModuleContext.Progress sink;
  private final String label;
  private final long total;
  private final long startOffset;
  private final long startNanos = System.nanoTime();
  private long lastReport;

  ProgressMeter(ModuleContext.Progress sink, String label, long startOffset, long total) {
    this.sink = sink;
    this.label = label;
    this.total = total;
    this.startOffset = startOffset;
    this.lastReport = startNanos - MIN_INTERVAL_NANOS;
  }

  /** Reports {@code done} bytes of the file (including any resumed prefix). */
  void update(long done, boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastReport < MIN_INTERVAL_NANOS) {
      return;
    }
    lastReport = now;
    double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
    double rate = (done - startOffset) / seconds;
    String eta = rate > 0 && total > done ? duration((long) ((total - done) / rate)) : "-";
    sink.update(
        String.format(Locale.ROOT, "%s %s/s ETA %s", label, bytes((long) rate), eta),
        done,
        total,
        "bytes");
  }

  static String bytes(long n) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  static String duration(long seconds) {
    return String.format(
        Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
  }
}

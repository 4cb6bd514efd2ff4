package dev.baton.transfer;

import dev.baton.modules.ModuleContext;

/**
 * Turns byte counts into progress reports, at most four a second. Reports bytes (unit "B") and
 * leaves rate and time left to the console, which computes them for every byte-counting module
 * alike and keeps them visible when the label has to be shortened. Thread-safe: the streams of a
 * ranged transfer each add what they wrote, and the total is reported.
 */
final class ProgressMeter {
  private static final long MIN_INTERVAL_NANOS = 250_000_000L;

  private final ModuleContext.Progress sink;
  private final String label;
  private final long total;
  private long done;
  private long lastReport = System.nanoTime() - MIN_INTERVAL_NANOS;

  ProgressMeter(ModuleContext.Progress sink, String label, long total) {
    this.sink = sink;
    this.label = label;
    this.total = total;
  }

  /** Reports {@code done} bytes of the file (including any resumed prefix). */
  synchronized void update(long done, boolean force) {
    this.done = done;
    long now = System.nanoTime();
    if (!force && now - lastReport < MIN_INTERVAL_NANOS) {
      return;
    }
    lastReport = now;
    sink.update(label, done, total, "B");
  }

  /** Counts from {@code done} bytes (a resumed part), without a report of its own. */
  synchronized void startAt(long done) {
    this.done = done;
  }

  /** Adds {@code bytes} that arrived to the count and reports the total when due. */
  synchronized void add(long bytes) {
    update(done + bytes, false);
  }

  synchronized long done() {
    return done;
  }
}

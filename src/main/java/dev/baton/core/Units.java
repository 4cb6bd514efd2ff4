package dev.baton.core;

/** Human-readable sizes and durations for progress lines. */
public final class Units {
  private Units() {}

  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format("%.1f %s", v, units[i]);
  }

  public static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format("%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
  }

  /**
   * Milliseconds as seconds with two decimals ({@code 1.24s}), what {@code %.2fs} prints, without a
   * Formatter: the recap's task durations print one line per task, interpreted at the end of a
   * short run.
   */
  public static String seconds(long millis) {
    long hundredths = (millis + 5) / 10;
    long frac = hundredths % 100;
    return hundredths / 100 + (frac < 10 ? ".0" : ".") + frac + "s";
  }
}

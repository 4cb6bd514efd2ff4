package dev.baton.sim;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Date formats of OpenEdge output: ctime style in messages, a bracketed stamp in .lg files. */
final class Dates {
  private static final DateTimeFormatter CTIME =
      DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.US);
  private static final DateTimeFormatter LG =
      DateTimeFormatter.ofPattern("yyyy/MM/dd@HH:mm:ss.SSSxx", Locale.US);

  private Dates() {}

  static String now() {
    return ZonedDateTime.now().format(CTIME);
  }

  static String lgStamp() {
    return ZonedDateTime.now().format(LG);
  }

  static String elapsed(long nanos) {
    long s = nanos / 1_000_000_000L;
    return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}

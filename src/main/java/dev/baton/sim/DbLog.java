package dev.baton.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/**
 * Appends lines to {@code <db>.lg} in the shape of an OpenEdge log: a bracketed time stamp, the
 * process id, the process type, then the message with its number.
 */
final class DbLog {
  private DbLog() {}

  static void write(DbPath db, String process, String text, int number) {
    String line =
        "["
            + Dates.lgStamp()
            + "] P-"
            + ProcessHandle.current().pid()
            + " T-"
            + Thread.currentThread().getId()
            + " I "
            + String.format("%-8s", process)
            + ": ("
            + number
            + ")   "
            + text
            + "\n";
    try {
      Files.writeString(
          db.log(),
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      // The log is informational; a utility must not fail because its .lg is not writable.
      System.err.println("warning: cannot write " + db.log() + ": " + e.getMessage());
    }
  }
}

package dev.baton.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a utility may touch of its surroundings: output streams, stdin, environment, the current
 * directory. Passed in so the utilities hold no static state.
 */
record Console(
    PrintStream out, PrintStream err, BufferedReader in, Map<String, String> env, Path cwd) {

  static Console system() {
    return new Console(
        new PrintStream(System.out, true, StandardCharsets.UTF_8),
        new PrintStream(System.err, true, StandardCharsets.UTF_8),
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
        System.getenv(),
        Path.of("").toAbsolutePath());
  }

  /** Prints a numbered message the way OpenEdge utilities do: on stdout, number at the end. */
  void msg(String text, int number) {
    out.println(text + " (" + number + ")");
  }

  /** Prints a numbered message and ends the utility with {@code exitCode}. */
  SimExit fail(String text, int number, int exitCode) {
    msg(text, number);
    return new SimExit(exitCode);
  }

  /** Usage and argument errors: no real message number applies. */
  SimExit usage(String utility, String line) {
    err.println(utility + ": " + line);
    return new SimExit(2);
  }

  /**
   * Asks a y/n question on stdout and reads one answer line from stdin. End of input counts as
   * "no", so a batch job without a piped answer never overwrites or deletes anything.
   */
  boolean confirm(String question) {
    out.print(question + " ");
    out.flush();
    String line;
    try {
      line = in.readLine();
    } catch (IOException e) {
      line = null;
    }
    out.println();
    return line != null && line.trim().equalsIgnoreCase("y");
  }
}

package dev.baton.sim;

/**
 * Ends a utility with an exit code after its messages were printed. Thrown instead of calling
 * System.exit deep inside a command so that files and locks are released by try-with-resources.
 */
final class SimExit extends RuntimeException {
  private final int code;

  SimExit(int code) {
    super(null, null, false, false);
    this.code = code;
  }

  int code() {
    return code;
  }
}

package dev.baton.cli;

/** A failure the command line reports as one line with a specific exit code. */
final class BatonCliException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  BatonCliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  BatonCliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}

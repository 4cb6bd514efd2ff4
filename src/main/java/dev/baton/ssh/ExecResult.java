package dev.baton.ssh;

/** What a finished command left: its exit status and its output decoded as UTF-8. */
public record ExecResult(int exitCode, String stdout, String stderr) {
  public boolean ok() {
    return exitCode == 0;
  }
}

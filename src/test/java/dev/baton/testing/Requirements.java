package dev.baton.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * The project's policy for tests that need more than a JDK (root, OpenSSH, namespaces, Ansible):
 * print one loud {@code SKIPPED (needs ...)} line and skip through a JUnit assumption, unless
 * system property {@code baton.requireAll=true} (set by {@code .ci/run}), which makes the same
 * situation a failure so CI always runs everything.
 */
public final class Requirements {
  private Requirements() {}

  /**
   * Returns when {@code available}; otherwise prints {@code SKIPPED (needs <needs>): <why>} and
   * aborts the test, or fails it under {@code baton.requireAll=true}.
   */
  public static void check(boolean available, String needs, String why) {
    if (available) {
      return;
    }
    String line = "SKIPPED (needs " + needs + "): " + why;
    System.err.println(line);
    if (Boolean.getBoolean("baton.requireAll")) {
      throw new IllegalStateException(line + " [baton.requireAll=true turns skips into failures]");
    }
    Assumptions.abort(line);
  }
}

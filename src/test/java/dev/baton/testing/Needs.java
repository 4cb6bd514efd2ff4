package dev.baton.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Loud skips for tests that need something beyond a JDK: prints {@code SKIPPED (needs ...)} and
 * skips, or fails when {@code -Dbaton.requireAll=true} (CI), so nothing is silently left untested.
 *
 * <pre>{@code
 * Path agent = Needs.command("ssh-agent", "agent authentication test");
 * }</pre>
 */
public final class Needs {
  private Needs() {}

  /** The path of an executable on PATH, or skips the test loudly. */
  public static Path command(String name, String forWhat) {
    Optional<Path> found = which(name);
    if (found.isEmpty()) {
      skip(name + " on PATH", forWhat);
    }
    return found.orElseThrow();
  }

  /** Skips (or fails under baton.requireAll) unless {@code condition} holds. */
  public static void that(boolean condition, String what, String forWhat) {
    if (!condition) {
      skip(what, forWhat);
    }
  }

  public static Optional<Path> which(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static void skip(String what, String forWhat) {
    String line = "SKIPPED (needs " + what + "): " + forWhat;
    if (Boolean.getBoolean("baton.requireAll")) {
      throw new AssertionError(line + " - baton.requireAll=true forbids skipping");
    }
    System.err.println(line);
    Assumptions.abort(line);
  }
}

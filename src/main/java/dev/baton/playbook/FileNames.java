package dev.baton.playbook;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A name from a playbook or inventory used as a file name. The JVM encodes file names in the
 * character set of the locale it was started in (no option overrides it), so under a POSIX locale a
 * host called {@code secondär} cannot even be looked up. {@code ./baton} starts the JVM in a UTF-8
 * locale; a JVM started otherwise refuses such a name here, naming where it was written, instead of
 * failing later with the JDK's own exception.
 */
public final class FileNames {
  private FileNames() {}

  /** {@code dir.resolve(name)}, or a one-line reason why this JVM cannot name that file. */
  public static Path resolve(Path dir, String name) throws Unmappable {
    try {
      return dir.resolve(name);
    } catch (InvalidPathException e) {
      throw new Unmappable(name);
    }
  }

  /** The file name cannot be written in the JVM's file-name encoding. */
  public static final class Unmappable extends Exception {
    private static final long serialVersionUID = 1L;

    public Unmappable(String name) {
      super(
          "'"
              + name
              + "' cannot be a file name in this JVM's file-name encoding ("
              + System.getProperty("sun.jnu.encoding")
              + "); start baton in a UTF-8 locale (./baton does: LC_ALL=C.UTF-8)");
    }
  }
}

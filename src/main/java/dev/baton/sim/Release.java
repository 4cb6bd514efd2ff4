package dev.baton.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenEdge release the simulator was installed as ({@code $DLC/version}, "OpenEdge Release 12.8
 * ..." as real installs write it [doc]); rules that changed between releases follow it.
 */
record Release(int major, int minor) {
  static final Release DEFAULT = new Release(12, 8);
  private static final Pattern NUMBER = Pattern.compile("Release (\\d+)\\.(\\d+)");

  /** From {@code $DLC/version}; the default when DLC is unset or the file unreadable. */
  static Release current() {
    String dlc = System.getenv("DLC");
    if (dlc == null || dlc.isBlank()) {
      return DEFAULT;
    }
    try {
      Matcher m = NUMBER.matcher(Files.readString(Path.of(dlc, "version"), StandardCharsets.UTF_8));
      return m.find()
          ? new Release(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))
          : DEFAULT;
    } catch (IOException | RuntimeException e) {
      return DEFAULT;
    }
  }

  static Release parse(String text) {
    Matcher m = Pattern.compile("(\\d+)\\.(\\d+)").matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("a release is MAJOR.MINOR, e.g. 12.8, not " + text);
    }
    return new Release(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  boolean before(int maj, int min) {
    return major < maj || (major == maj && minor < min);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}

package dev.baton.openedge;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The replication role of a database, read from feature 1 of {@code proutil -C describe}. */
public enum ReplicationRole {
  NONE,
  SOURCE,
  TARGET;

  private static final Pattern FEATURE_1 =
      Pattern.compile("(?mi)^\\s*1\\s+OpenEdge Replication\\s+(\\S+)[ \\t]*(.*)$");

  /**
   * Parses describe output. The feature line is {@code 1 OpenEdge Replication <Active> <Details>};
   * an inactive or absent feature means NONE. Throws when the output is not a describe report at
   * all, because guessing a role would be unsafe.
   */
  static ReplicationRole fromDescribe(String output) {
    if (!output.contains("OpenEdge Database Description")
        && !output.toLowerCase(Locale.ROOT).contains("database features")) {
      throw new IllegalArgumentException("not a proutil -C describe report");
    }
    Matcher m = FEATURE_1.matcher(output);
    if (!m.find()) {
      return NONE;
    }
    String active = m.group(1).toLowerCase(Locale.ROOT);
    String details = m.group(2).toLowerCase(Locale.ROOT);
    if (!active.startsWith("y") && !active.startsWith("active")) {
      return NONE;
    }
    if (details.contains("target")) {
      return TARGET;
    }
    if (details.contains("source")) {
      return SOURCE;
    }
    throw new IllegalArgumentException(
        "replication is active but describe does not say Source or Target: " + m.group().strip());
  }

  public String argName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

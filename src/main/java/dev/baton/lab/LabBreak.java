package dev.baton.lab;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mistake a real site can have, built into the lab on purpose ({@code baton lab up --break
 * NAME}), so that a rehearsal shows what the pre-flight says about it and that the failback refuses
 * before changing anything. Each one edits what the lab would otherwise write correctly: the
 * replication properties (before the secondary's server starts and reads them) or the inventory.
 */
public enum LabBreak {
  /** Everything as a correct first set-up leaves it. */
  NONE("none"),
  /** The primary's {@code [agent] name} is not the secondary's control agent. */
  AGENT_NAME("agent-name"),
  /** The secondary's control agent points at a port the primary's broker does not use. */
  PORT("port"),
  /** The secondary's {@code [server]} has no {@code defer-agent-startup}: no online seeding. */
  NO_DEFER("no-defer"),
  /** The primary's inventory starts it with a lock table below the source's (-L 100). */
  STARTUP_PARAMS("startup-params"),
  /**
   * The secondary's three fixed after-image extents filled since the failover with no target to
   * apply them: two LOCKED, the third BUSY, none EMPTY for the seed's backup to switch to.
   */
  AI_EXTENTS("ai-extents");

  /** What {@link #AI_EXTENTS} writes on the serving source: past two of its 1 MB extents. */
  static final String AI_WRITTEN = "2560K";

  /** What {@link #STARTUP_PARAMS} puts in the primary's inventory line. */
  static final String LOW_SERVE_ARGS = "openedge_serve_args=\"-L 100\"";

  private static final Pattern AGENT_SECTION_NAME =
      Pattern.compile("(\\[agent\\]\\s*\\nname=)agent1");
  private static final Pattern CONTROL_AGENT_PORT =
      Pattern.compile("(\\[control-agent\\.agent1\\][^\\[]*?\\nport=)(\\d+)");

  private final String cliName;

  LabBreak(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  /** The variant named on the command line; the message lists the names. */
  public static LabBreak of(String name) {
    for (LabBreak b : values()) {
      if (b.cliName.equals(name.toLowerCase(Locale.ROOT))) {
        return b;
      }
    }
    StringBuilder names = new StringBuilder();
    for (LabBreak b : values()) {
      names.append(names.length() == 0 ? "" : ", ").append(b.cliName);
    }
    throw new IllegalArgumentException("no lab break '" + name + "'; one of " + names);
  }

  /**
   * The secondary's structure description: the default areas and eight variable after-image
   * extents, or, for {@link #AI_EXTENTS}, three fixed ones of 1 MB.
   */
  String sourceStructure() {
    String ai = this == AI_EXTENTS ? "a . f 1024\n".repeat(3) : "a .\n".repeat(8);
    return "# Written by baton's embedded lab: a production layout with after-imaging.\n"
        + "b .\n"
        + "d \"Schema Area\":6,32;1 .\n"
        + "d \"Data Area\":7,64;8 .\n"
        + ai;
  }

  /** The primary's (the stale old source's) properties, as this variant leaves them. */
  String primaryProperties(String text) {
    return this == AGENT_NAME ? AGENT_SECTION_NAME.matcher(text).replaceFirst("$1agent2") : text;
  }

  /** The secondary's (the serving source's) properties, as this variant leaves them. */
  String secondaryProperties(String text) {
    return switch (this) {
      case PORT -> {
        Matcher m = CONTROL_AGENT_PORT.matcher(text);
        yield m.find()
            ? text.substring(0, m.start(2))
                + (Integer.parseInt(m.group(2)) + 1)
                + text.substring(m.end(2))
            : text;
      }
      case NO_DEFER -> text.replaceAll("(?m)^defer-agent-startup=.*\\n", "");
      default -> text;
    };
  }
}

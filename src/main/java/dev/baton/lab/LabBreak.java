package dev.baton.lab;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mistake a real site can have, built into the lab on purpose ({@code baton lab up --break
 * NAME}), so that a rehearsal shows what the pre-flight says about it and that the failback refuses
 * before changing anything. Each one edits the replication properties the lab would otherwise write
 * correctly, before the secondary's server starts and reads them.
 */
public enum LabBreak {
  /** Everything as a correct first set-up leaves it. */
  NONE("none", "nothing broken"),
  /** The primary's {@code [agent] name} is not the secondary's control agent. */
  AGENT_NAME(
      "agent-name", "the primary's [agent] name is agent2, the source's control agent agent1"),
  /** The secondary's control agent points at a port the primary's broker does not use. */
  PORT("port", "the source's [control-agent.agent1] port is not the primary's openedge_port"),
  /** The secondary's {@code [server]} has no {@code defer-agent-startup}: no online seeding. */
  NO_DEFER("no-defer", "the source's [server] has no defer-agent-startup"),
  /** The primary's inventory starts it with a lock table below the source's (-L 100). */
  STARTUP_PARAMS("startup-params", "the primary's openedge_serve_args set -L below the source's");

  /** What {@link #STARTUP_PARAMS} puts in the primary's inventory line. */
  static final String LOW_SERVE_ARGS = "openedge_serve_args=\"-L 100\"";

  private static final Pattern AGENT_SECTION_NAME =
      Pattern.compile("(\\[agent\\]\\s*\\nname=)agent1");
  private static final Pattern CONTROL_AGENT_PORT =
      Pattern.compile("(\\[control-agent\\.agent1\\][^\\[]*?\\nport=)(\\d+)");

  private final String cliName;
  private final String what;

  LabBreak(String cliName, String what) {
    this.cliName = cliName;
    this.what = what;
  }

  public String cliName() {
    return cliName;
  }

  public String what() {
    return what;
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

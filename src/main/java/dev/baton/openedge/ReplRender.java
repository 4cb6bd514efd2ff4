package dev.baton.openedge;

/**
 * Both {@code <db>.repl.properties} of a site pair as {@link ReplRules} wants them, from the
 * inventory: each database a source shipping to the other (used after the failback turns the roles
 * round) and a target answering to the other's control agent, roles reversing on transition,
 * transitions manual, deferred agent startup for online seeding [doc: "Configuring OpenEdge
 * Replication for one agent", "Server properties"]. One agent name serves both directions, as in
 * the lab.
 */
final class ReplRender {
  private ReplRender() {}

  /**
   * The file of the database {@code self}, shipping to {@code other} at {@code otherAddress}.
   *
   * @param deferMinutes {@code defer-agent-startup}, 5 to 10080 minutes
   */
  static String file(
      String selfDb,
      String otherDb,
      String otherAddress,
      String otherPort,
      String agent,
      long deferMinutes) {
    return "# Written by baton (openedge_repl_check render: true); the previous file is kept beside\n"
        + "# this one as .baton-<time>.\n"
        + "[server]\n"
        + "control-agents="
        + agent
        + "\ndatabase="
        + selfDb
        + "\ntransition=manual\ndefer-agent-startup="
        + deferMinutes
        + "\n\n[control-agent."
        + agent
        + "]\nname="
        + agent
        + "\ndatabase="
        + otherDb
        + "\nhost="
        + otherAddress
        + "\nport="
        + otherPort
        + "\nconnect-timeout=120\n\n[agent]\nname="
        + agent
        + "\ndatabase="
        + selfDb
        + "\n\n[transition]\ndatabase-role=reverse\ntransition-to-agents="
        + agent
        + "\ntransition=manual\nrestart-after-transition=1\nonline-transition=1\n";
  }
}

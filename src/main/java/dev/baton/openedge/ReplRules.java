package dev.baton.openedge;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The rules a site pair's two {@code <db>.repl.properties} files must follow for the failback to
 * work on real OpenEdge (OPENEDGE.md Part 3 [doc]): the source's (the secondary's) control agent
 * reaches the primary's agent, on the primary's broker port, under the name the primary's {@code
 * [agent]} answers to; the roles swap with {@code database-role=reverse}; transitions are manual;
 * online seeding has deferred agent startup; and the primary's own file points back at the
 * secondary for when it becomes the source again. Pure: the module reads the files and resolves
 * host names, this class only judges.
 */
final class ReplRules {
  private ReplRules() {}

  /** What one side of the pair is: its inventory name, the addresses that reach it, db, port. */
  record Side(String name, Set<String> addresses, String dbName, String port) {}

  /** One rule's verdict; {@code problem} is null when it holds. */
  record Check(String rule, String problem) {
    boolean ok() {
      return problem == null;
    }
  }

  /**
   * Judges both files. {@code sameHost} says whether a host name written in a file reaches one of a
   * side's addresses (the module resolves names on the secondary, where the server connects from).
   */
  static List<Check> check(
      ReplConfig source,
      Side secondary,
      ReplConfig target,
      Side primary,
      boolean onlineSeed,
      BiPredicate<String, Collection<String>> sameHost) {
    List<Check> out = new ArrayList<>();
    String agent = controlAgent(source, out);
    if (agent != null) {
      String section = "control-agent." + agent;
      String host = source.get(section, "host");
      out.add(
          new Check(
              "the source's control agent host reaches the primary",
              host != null && sameHost.test(host, primary.addresses())
                  ? null
                  : source.where(section, "host")
                      + " is "
                      + show(host)
                      + ", must reach "
                      + primary.name()
                      + " ("
                      + String.join(" or ", primary.addresses())
                      + ")"));
      out.add(
          equal(
              "the source's control agent port is the primary's openedge_port",
              source,
              section,
              "port",
              primary.port(),
              primary.name() + "'s openedge_port"));
      out.add(
          optionalEqual(
              "the source's control agent database is the primary's",
              source,
              section,
              "database",
              primary.dbName()));
      String timeout = source.get(section, "connect-timeout");
      out.add(
          new Check(
              "the control agent's connect-timeout is 120 to 86400 s",
              timeout == null || inRange(timeout, 120, 86400)
                  ? null
                  : source.where(section, "connect-timeout")
                      + " is "
                      + timeout
                      + ", must be 120 to 86400 seconds"));
      String agentName = source.get(section, "name") == null ? agent : source.get(section, "name");
      out.add(
          equal(
              "the primary's [agent] name is the source's control agent",
              target,
              "agent",
              "name",
              agentName,
              "the name of " + source.where(section, "name")));
      String toAgents = source.get("transition", "transition-to-agents");
      out.add(
          new Check(
              "the source's transition-to-agents names that agent",
              toAgents != null && List.of(toAgents.split("\\s*,\\s*")).contains(agentName)
                  ? null
                  : source.where("transition", "transition-to-agents")
                      + " is "
                      + show(toAgents)
                      + ", must name "
                      + agentName
                      + " (transition failover hands the source role to it)"));
    }
    out.add(
        optionalEqual(
            "the source's [server] database is the secondary's",
            source,
            "server",
            "database",
            secondary.dbName()));
    out.add(
        optionalEqual(
            "the primary's [agent] database is the primary's",
            target,
            "agent",
            "database",
            primary.dbName()));
    out.add(
        equal(
            "the source has database-role=reverse",
            source,
            "transition",
            "database-role",
            "reverse",
            "reverse"));
    out.add(
        equal(
            "the primary has database-role=reverse",
            target,
            "transition",
            "database-role",
            "reverse",
            "reverse"));
    out.add(manual("the source transitions manually", source));
    out.add(manual("the primary transitions manually", target));
    if (onlineSeed) {
      String defer = source.get("server", "defer-agent-startup");
      out.add(
          new Check(
              "the source defers agent startup (online seed)",
              defer != null && inRange(defer, 5, 10080)
                  ? null
                  : source.where("server", "defer-agent-startup")
                      + " is "
                      + show(defer)
                      + ", must be 5 to 10080 minutes (an online backup seeds a target only with"
                      + " deferred agent startup)"));
    }
    // After the failback the primary is the source: its own file must ship to the secondary.
    String back =
        target.controlAgentSections().isEmpty() ? null : target.controlAgentSections().get(0);
    if (back == null) {
      out.add(
          new Check(
              "the primary's own control agent reaches the secondary",
              target.host()
                  + ":"
                  + target.file()
                  + " has no [control-agent.NAME] section, must have one reaching "
                  + secondary.name()
                  + " (the primary ships to it once it is the source again)"));
    } else {
      String section = "control-agent." + back;
      String host = target.get(section, "host");
      out.add(
          new Check(
              "the primary's own control agent reaches the secondary",
              host != null && sameHost.test(host, secondary.addresses())
                  ? null
                  : target.where(section, "host")
                      + " is "
                      + show(host)
                      + ", must reach "
                      + secondary.name()
                      + " ("
                      + String.join(" or ", secondary.addresses())
                      + ")"));
      out.add(
          equal(
              "the primary's own control agent port is the secondary's openedge_port",
              target,
              section,
              "port",
              secondary.port(),
              secondary.name() + "'s openedge_port"));
    }
    return out;
  }

  /** The source's one control agent: named by [server] control-agents, with its section. */
  private static String controlAgent(ReplConfig source, List<Check> out) {
    String listed = source.get("server", "control-agents");
    List<String> sections = source.controlAgentSections();
    if (listed == null || listed.isBlank()) {
      out.add(
          new Check(
              "the source names one control agent",
              source.where("server", "control-agents")
                  + " is not set, must name the primary's agent"));
      return null;
    }
    String first = listed.split("\\s*,\\s*")[0].strip().toLowerCase(java.util.Locale.ROOT);
    if (!sections.contains(first)) {
      out.add(
          new Check(
              "the source names one control agent",
              source.where("server", "control-agents")
                  + " names "
                  + first
                  + ", but there is no [control-agent."
                  + first
                  + "] section"));
      return null;
    }
    out.add(new Check("the source names one control agent", null));
    return first;
  }

  private static Check manual(String rule, ReplConfig c) {
    String inTransition = c.get("transition", "transition");
    String inServer = c.get("server", "transition");
    if (inTransition != null && !inTransition.equalsIgnoreCase("manual")) {
      return new Check(
          rule, c.where("transition", "transition") + " is " + inTransition + ", must be manual");
    }
    if (inServer != null && !inServer.equalsIgnoreCase("manual")) {
      return new Check(
          rule, c.where("server", "transition") + " is " + inServer + ", must be manual");
    }
    return new Check(rule, null);
  }

  private static Check equal(
      String rule, ReplConfig c, String section, String key, String expected, String what) {
    String v = c.get(section, key);
    return new Check(
        rule,
        expected != null && expected.equalsIgnoreCase(v == null ? null : v.strip())
            ? null
            : c.where(section, key)
                + " is "
                + show(v)
                + ", must be "
                + expected
                + (what.equals(expected) ? "" : " (" + what + ")"));
  }

  /** A database name, where the file names one: its last path element must be the db's name. */
  private static Check optionalEqual(
      String rule, ReplConfig c, String section, String key, String dbName) {
    String v = c.get(section, key);
    if (v == null) {
      return new Check(rule, null);
    }
    String base = v.replaceAll("\\.db$", "");
    base = base.substring(base.lastIndexOf('/') + 1);
    return new Check(
        rule,
        base.equals(dbName) ? null : c.where(section, key) + " is " + v + ", must be " + dbName);
  }

  private static boolean inRange(String v, long lo, long hi) {
    try {
      long n = Long.parseLong(v.strip());
      return n >= lo && n <= hi;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String show(String v) {
    return v == null ? "missing" : "'" + v + "'";
  }
}

package dev.baton.sim;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code dsrutil db -C status [agent] [-detail]}, {@code -C monitor}, {@code -C restart|terminate
 * server|agent}, {@code -C transition failover} (online, against the source) and {@code -C
 * transition} (controlled, on a shut-down database). Status: the code on stdout; exit 0 ok, 2
 * database not served (cannot open), 3 not replication-enabled [doc]. Other qualifiers: 0 done, 1
 * refused after a numbered message.
 */
final class Dsrutil {
  static final int MSG_NOT_ENABLED = 10846;
  private final Console c;

  Dsrutil(Console c) {
    this.c = c;
  }

  int run(String[] args) throws IOException {
    if (args.length < 3 || !args[1].equalsIgnoreCase("-C")) {
      throw c.usage(
          "dsrutil",
          "usage: dsrutil <db> -C status [agent] [-detail] | monitor | restart server|agent"
              + " | terminate server|agent | transition [failover]");
    }
    DbPath db = DbPath.of(c.cwd(), args[0]);
    if (!db.exists()) {
      Db.notFound(c, db);
      return 2;
    }
    String q = args[2].toLowerCase(Locale.ROOT);
    boolean detail = false;
    boolean agent = false;
    String what = null;
    for (int i = 3; i < args.length; i++) {
      String a = args[i].toLowerCase(Locale.ROOT);
      switch (a) {
        case "-detail" -> detail = true;
        case "agent" -> {
          agent = true;
          what = "agent";
        }
        case "server" -> what = "server";
        case "failover" -> what = "failover";
        default -> throw c.usage("dsrutil", "unexpected argument " + args[i]);
      }
    }
    Control ct = Control.load(db);
    if (ct.role() == Control.Role.NONE) {
      c.msg(
          "** Database " + db.display() + " is not enabled for OpenEdge Replication.",
          MSG_NOT_ENABLED);
      return 3;
    }
    switch (q) {
      case "status", "monitor" -> {
        return status(db, ct, q.equals("monitor"), agent, detail);
      }
      case "restart", "terminate" -> {
        if (!"server".equals(what) && !"agent".equals(what)) {
          throw c.usage("dsrutil", "usage: dsrutil <db> -C " + q + " server|agent");
        }
        return control(db, q + " " + what);
      }
      case "transition" -> {
        if ("failover".equals(what)) {
          return control(db, "transition failover");
        }
        if (what != null) {
          throw c.usage("dsrutil", "usage: dsrutil <db> -C transition [failover]");
        }
        return controlled(db, ct);
      }
      default -> throw c.usage("dsrutil", "unknown qualifier -C " + args[2]);
    }
  }

  private Optional<Properties> brokerStatus(DbPath db) {
    Optional<LockFile> broker = Db.broker(db);
    if (broker.isEmpty()) {
      return Optional.empty();
    }
    try (BrokerClient bc = new BrokerClient(broker.get().port())) {
      return Optional.of(bc.status());
    } catch (BrokerClient.Refused | IOException e) {
      return Optional.empty();
    }
  }

  private int status(DbPath db, Control ct, boolean monitor, boolean agent, boolean detail) {
    Optional<Properties> st = brokerStatus(db);
    if (st.isEmpty()) {
      c.msg("** There is no server for database " + db.display() + ".", Db.MSG_NO_SERVER);
      return 2;
    }
    Properties p = st.get();
    if (monitor) {
      // Not interactive: one page of the server or agent screen, for scripts and logs.
      String role = p.getProperty("role", "").equals("source") ? "Source" : "Target";
      c.out().println("OpenEdge Replication Monitor (baton simulator)");
      c.out().println("Database: " + db.display());
      c.out().println("Database is enabled as OpenEdge Replication:  " + role);
      c.out()
          .println(
              (role.equals("Source") ? "Server" : "Agent")
                  + " status: "
                  + p.getProperty("replStatus")
                  + " ("
                  + p.getProperty("replDetail")
                  + ")");
      if (role.equals("Source")) {
        c.out()
            .println(
                "Agent status: "
                    + p.getProperty("replAgentStatus")
                    + " ("
                    + p.getProperty("replAgentDetail")
                    + ")");
      }
      c.out().println("Position: " + p.getProperty("position"));
      long agentAt = Long.parseLong(p.getProperty("replAgentPosition", "-1"));
      if (role.equals("Source") && agentAt >= 0) {
        long lag = Math.max(0, Long.parseLong(p.getProperty("position")) - agentAt);
        c.out().println("Agent position: " + agentAt + " (behind by " + lag + ")");
      }
      String m = p.getProperty("replMessage", "");
      if (!m.isBlank()) {
        c.out().println("Last message: " + m);
      }
      return 0;
    }
    String key = agent ? "replAgent" : "repl";
    c.out().println(p.getProperty(key + (detail ? "Detail" : "Status")));
    return 0;
  }

  private int control(DbPath db, String command) {
    Optional<LockFile> broker = Db.broker(db);
    if (broker.isEmpty()) {
      c.msg("** There is no server for database " + db.display() + ".", Db.MSG_NO_SERVER);
      return 2;
    }
    try (BrokerClient bc = new BrokerClient(broker.get().port())) {
      c.msg(bc.control(command), ReplWire.MSG_CONTROL_DONE);
      return 0;
    } catch (BrokerClient.Refused e) {
      c.msg(e.getMessage(), e.number);
      return 1;
    } catch (IOException e) {
      c.msg("** Lost the connection to the server of database " + db.display() + ".", 1423);
      return 1;
    }
  }

  /**
   * The controlled transition: the database is shut down; a target that was in sync when it shut
   * down becomes a source, a source becomes a target. Documented order: the target first, then the
   * source [doc].
   */
  private int controlled(DbPath db, Control ct) throws IOException {
    if (LockFile.read(db).isPresent()) {
      throw c.fail(
          "** A controlled transition needs database "
              + db.display()
              + " shut down; use -C transition failover for an online one.",
          ReplWire.MSG_NOT_SHUT_DOWN,
          1);
    }
    ReplProperties props;
    try {
      props = ReplProperties.read(db);
      if (ct.role() == Control.Role.TARGET) {
        props.controlAgents();
      }
    } catch (ReplProperties.Invalid e) {
      throw c.fail("** " + e.getMessage() + ".", ReplWire.MSG_PROPERTIES, 1);
    }
    if (!props.databaseRole().equals("reverse")) {
      throw c.fail(
          "** "
              + props.file()
              + ": [transition] database-role="
              + props.databaseRole()
              + "; a transition that swaps the roles needs database-role=reverse.",
          ReplWire.MSG_PROPERTIES,
          1);
    }
    try (Db.Session s = Db.singleUser(c, db)) {
      Control fresh = Control.load(db);
      Control.Role to;
      if (fresh.role() == Control.Role.TARGET) {
        if (!fresh.aiEnabled()) {
          // A source needs after-imaging [doc].
          throw c.fail(
              "** After-imaging is not enabled on "
                  + db.display()
                  + "; it cannot become an OpenEdge Replication source.",
              Proutil.MSG_AI_REQUIRED,
              1);
        }
        if (!"true".equals(fresh.get("replSyncedAtClose")) || fresh.getBool("replBroken")) {
          throw c.fail(
              "** Transition refused: target "
                  + db.display()
                  + " was not in normal processing (3049) when it was shut down.",
              ReplWire.MSG_NOT_IN_SYNC,
              1);
        }
        to = Control.Role.SOURCE;
      } else {
        to = Control.Role.TARGET;
      }
      fresh.role(to);
      fresh.set("replInSync", "true");
      fresh.save(db);
      ReplWire.log(
          db,
          to == Control.Role.SOURCE ? "agent" : "server",
          "Controlled transition: the database is now a " + to.name().toLowerCase() + ".",
          ReplWire.MSG_TRANSITIONED);
      c.msg(
          "Transition of "
              + db.display()
              + " is complete: it is now an OpenEdge Replication "
              + to.name().toLowerCase()
              + ".",
          ReplWire.MSG_TRANSITIONED);
    }
    return 0;
  }
}

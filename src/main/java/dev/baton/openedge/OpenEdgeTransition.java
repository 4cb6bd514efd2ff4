package dev.baton.openedge;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Args;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.TaskResult;
import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.Remote;
import dev.baton.ssh.ShellQuote;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code openedge_transition}: swaps the replication roles (step 9, failback).
 *
 * <ul>
 *   <li>{@code mode: failover} runs {@code dsrutil <db> -C transition failover} against the current
 *       source, online; it must be in sync (6021) unless {@code force}. A db that is already a
 *       target is reported ok (the swap happened).
 *   <li>{@code mode: controlled} runs {@code dsrutil <db> -C transition} on a shut-down db; its
 *       role must flip (or already be {@code to_role}).
 * </ul>
 *
 * Afterwards the roles are read again (and the peer's, when {@code peer_host}/{@code peer_db} are
 * given) until they show the swap or {@code wait} seconds pass.
 */
final class OpenEdgeTransition extends OpenEdgeModule {
  @Override
  public String name() {
    return "openedge_transition";
  }

  @Override
  public ArgSpec args() {
    return ArgSpec.of(
        Map.of(
            "db", ArgSpec.required(Type.PATH),
            "mode", ArgSpec.optional(Type.STRING, "failover"),
            "to_role", ArgSpec.optional(Type.STRING, null),
            "peer_host", ArgSpec.optional(Type.STRING, null),
            "peer_db", ArgSpec.optional(Type.PATH, null),
            "force", ArgSpec.optional(Type.BOOL, false),
            "wait", ArgSpec.optional(Type.INT, 120)));
  }

  @Override
  TaskResult execute(ModuleContext ctx, Args args) throws Exception {
    DbPath db = DbPath.of(args.required("db"));
    String mode = args.choice("mode", "failover", "failover", "controlled");
    boolean force = args.bool("force", false);
    double wait = args.number("wait", 120);
    Map<String, Object> data = TaskResult.data("db", db.prefix(), "mode", mode);
    FactsProbe probe = probe(ctx);
    DbFacts facts = probe.read(db, true);
    data.put("before", facts.summary());
    if (!facts.exists()) {
      return new TaskResult.Failed(ctx.host() + ": " + db + ".db does not exist", data);
    }
    ReplicationRole role =
        facts
            .role()
            .orElseThrow(
                () -> new IllegalArgumentException("cannot read the role: " + facts.problems()));
    if (role == ReplicationRole.NONE) {
      return new TaskResult.Failed(
          ctx.host() + ": " + db + " is not replication-enabled; nothing to transition", data);
    }
    ReplicationRole toRole =
        args.string("to_role") == null
            ? (role == ReplicationRole.SOURCE ? ReplicationRole.TARGET : ReplicationRole.SOURCE)
            : ReplicationRole.valueOf(
                args.choice("to_role", null, "source", "target")
                    .toUpperCase(java.util.Locale.ROOT));
    if (mode.equals("failover")) {
      toRole = ReplicationRole.TARGET;
      if (role == ReplicationRole.TARGET) {
        return new TaskResult.Ok(
            db + " is already a target: the failover has happened (it runs against the source)",
            data);
      }
      boolean inSync =
          facts.detail().map(d -> d.code() == ReplicationStatus.IN_SYNC_SOURCE).orElse(false);
      if (!force && !inSync && ctx.checkMode()) {
        // In --check the steps before (seed, agent, wait for sync) only said what they would do:
        // sync cannot have happened yet, and the plan is still worth showing.
        return new TaskResult.Changed(
            "check mode: would run "
                + utilities(ctx)
                    .line(db, "dsrutil", List.of(db.name(), "-C", "transition", "failover"))
                + " once "
                + db
                + " is in sync (now: "
                + facts.summary()
                + ")",
            data);
      }
      if (!force && !inSync) {
        return new TaskResult.Failed(
            ctx.host()
                + ": "
                + db
                + " is not in sync (wanted "
                + ReplicationStatus.of(ReplicationStatus.IN_SYNC_SOURCE)
                + "): "
                + facts.summary()
                + "; wait for sync or set force: true",
            data);
      }
    } else {
      if (role == toRole) {
        return new TaskResult.Ok(db + " is already a " + toRole.argName(), data);
      }
      if (facts.inUse()) {
        return new TaskResult.Failed(
            ctx.host() + ": a controlled transition needs " + db + " shut down; " + facts.summary(),
            data);
      }
    }
    List<String> argv =
        mode.equals("failover")
            ? List.of(db.name(), "-C", "transition", "failover")
            : List.of(db.name(), "-C", "transition");
    Utilities oe = utilities(ctx);
    if (ctx.checkMode()) {
      return new TaskResult.Changed("check mode: would run " + oe.line(db, "dsrutil", argv), data);
    }
    long lgBefore = lgSize(ctx::exec, db);
    long peerLgBefore =
        args.string("peer_host") == null || args.string("peer_db") == null
            ? 0
            : lgSize(
                ctx.remoteOf(args.string("peer_host"))::exec, DbPath.of(args.string("peer_db")));
    Utilities.Run r = oe.run(db, null, "dsrutil", argv);
    data.put("rc", r.rc());
    data.put("stdout", r.result().stdout());
    if (r.rc() != 0) {
      return new TaskResult.Failed(r.failure(ctx.host()), data);
    }
    long deadline = System.nanoTime() + (long) (wait * 1e9);
    ReplicationRole now = awaitRole(probe, db, toRole, deadline);
    data.put("role", now.argName());
    if (now != toRole) {
      return new TaskResult.Failed(
          "after `"
              + r.commandLine()
              + "` "
              + db
              + " is "
              + now.argName()
              + ", not "
              + toRole.argName(),
          data);
    }
    String peerNote = "";
    FactsProbe peerProbe = null;
    DbPath peerDb = null;
    if (args.string("peer_host") != null) {
      String peerHost = args.string("peer_host");
      peerDb = DbPath.of(args.required("peer_db"));
      Remote peer = ctx.remoteOf(peerHost);
      peerProbe =
          new FactsProbe(
              new Utilities(peer::exec, ctx.varsOf(peerHost)),
              new HostFiles(peer::exec, peerHost),
              peerHost);
      ReplicationRole peerWanted =
          toRole == ReplicationRole.TARGET ? ReplicationRole.SOURCE : ReplicationRole.TARGET;
      // In a controlled transition the peer is transitioned by its own task: report, do not wait.
      ReplicationRole peerRole =
          awaitRole(
              peerProbe,
              peerDb,
              peerWanted,
              mode.equals("failover") ? deadline : System.nanoTime());
      data.put("peer_role", peerRole.argName());
      if (peerRole != peerWanted && mode.equals("failover")) {
        return new TaskResult.Failed(
            db
                + " is now a target but "
                + peerHost
                + ":"
                + peerDb
                + " is "
                + peerRole.argName()
                + ", not source",
            data);
      }
      peerNote = "; " + peerHost + ":" + peerDb + " is " + peerRole.argName();
    }
    if (mode.equals("failover")) {
      Restart how = Restart.of(ctx, db);
      data.put("brokers_restart", how.offline() && how.restart());
      if (how.offline() && how.restart()) {
        // The brokers went down after the swap and come back in their new roles: wait for both,
        // so the steps after this one find them served.
        List<String> down = new java.util.ArrayList<>();
        if (!awaitServed(ctx::exec, probe, db, lgBefore, deadline)) {
          down.add(ctx.target() + ":" + db);
        }
        if (peerProbe != null
            && !awaitServed(
                ctx.remoteOf(args.string("peer_host"))::exec,
                peerProbe,
                peerDb,
                peerLgBefore,
                deadline)) {
          down.add(args.string("peer_host") + ":" + peerDb);
        }
        if (!down.isEmpty()) {
          return new TaskResult.Failed(
              "the roles swapped, but "
                  + String.join(" and ", down)
                  + " did not come back within "
                  + (long) wait
                  + " s ("
                  + how.why()
                  + ": the brokers shut down and restart); start them with proserve",
              data);
        }
        peerNote += "; the brokers restarted (" + how.why() + ")";
      } else if (!how.restart()) {
        peerNote +=
            "; restart-after-transition=0: both databases shut down after the transition, start"
                + " them before the writers move";
      }
    }
    return new TaskResult.Changed(
        mode
            + " transition: "
            + db
            + " went from "
            + role.argName()
            + " to "
            + now.argName()
            + peerNote,
        data);
  }

  /**
   * How a failover ends for the brokers [doc: "DSRUTIL transition failover qualifier", "Automatic
   * restart and online failover transition"]: offline (before 12.2, or online-transition=0) they
   * shut down and, with restart-after-transition=1, start again; online they stay up, unless
   * restart-after-transition=0, which shuts the databases down. Read from the source's properties
   * and {@code $DLC/version}.
   */
  record Restart(boolean offline, boolean restart, String why) {
    static Restart of(ModuleContext ctx, DbPath db) throws Exception {
      String release = OpenEdgeFacts.release(ctx);
      boolean old = release != null && before(release, 12, 2);
      String file = db.file(".repl.properties");
      ReplConfig c =
          files(ctx).read(file).map(t -> ReplConfig.parse(ctx.target(), file, t)).orElse(null);
      String online = c == null ? null : c.get("transition", "online-transition");
      String restart = c == null ? null : c.get("transition", "restart-after-transition");
      boolean offline = old || "0".equals(online == null ? null : online.strip());
      String why =
          old ? "OpenEdge " + release + " has no online transition" : "online-transition=0";
      return new Restart(offline, restart != null && restart.strip().equals("1"), why);
    }

    private static boolean before(String release, int major, int minor) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(release);
      if (!m.find()) {
        return false;
      }
      int a = Integer.parseInt(m.group(1));
      int b = Integer.parseInt(m.group(2));
      return a < major || (a == major && b < minor);
    }
  }

  /** The size of the db's .lg now: a restart is a "(333)" session begin written after it. */
  private static long lgSize(Utilities.Exec exec, DbPath db) throws Exception {
    String out =
        exec.exec(
                "wc -c < " + ShellQuote.quote(db.file(".lg")) + " 2>/dev/null || echo 0",
                ExecOptions.DEFAULT)
            .stdout()
            .strip();
    try {
      return Long.parseLong(out.isEmpty() ? "0" : out);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Served again by a broker that began its session (333) after {@code lgOffset}. */
  private static boolean awaitServed(
      Utilities.Exec exec, FactsProbe probe, DbPath db, long lgOffset, long deadline)
      throws Exception {
    String began =
        "tail -c +"
            + (lgOffset + 1)
            + " "
            + ShellQuote.quote(db.file(".lg"))
            + " 2>/dev/null | grep -c '(333)' || true";
    while (true) {
      String n = exec.exec(began, ExecOptions.DEFAULT).stdout().strip();
      if (!n.isEmpty() && !n.equals("0") && probe.read(db, false).served()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(500);
    }
  }

  private static ReplicationRole awaitRole(
      FactsProbe probe, DbPath db, ReplicationRole want, long deadline) throws Exception {
    while (true) {
      Optional<ReplicationRole> r = probe.read(db, false).role();
      if (r.isPresent() && (r.get() == want || System.nanoTime() > deadline)) {
        return r.get();
      }
      if (System.nanoTime() > deadline) {
        return ReplicationRole.NONE;
      }
      Thread.sleep(500);
    }
  }
}

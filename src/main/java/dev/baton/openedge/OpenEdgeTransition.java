package dev.baton.openedge;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.TaskResult;
import dev.baton.ssh.Remote;
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
    double wait = args.seconds("wait", 120);
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
    if (args.string("peer_host") != null) {
      String peerHost = args.string("peer_host");
      DbPath peerDb = DbPath.of(args.required("peer_db"));
      Remote peer = ctx.remoteOf(peerHost);
      FactsProbe peerProbe =
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

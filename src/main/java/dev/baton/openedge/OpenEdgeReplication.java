package dev.baton.openedge;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Args;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.TaskResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code openedge_replication}: restarts or terminates the replication server (on the source) or
 * agent (on the target) without restarting the db: {@code dsrutil db -C restart|terminate
 * server|agent}. Reads the role and {@code dsrutil -C status} first: a restart of something
 * running, or a terminate of something stopped, is a no-op unless {@code force}.
 */
final class OpenEdgeReplication extends OpenEdgeModule {
  @Override
  public String name() {
    return "openedge_replication";
  }

  @Override
  public ArgSpec args() {
    return ArgSpec.of(
        Map.of(
            "db", ArgSpec.required(Type.PATH),
            "action", ArgSpec.required(Type.STRING),
            "force", ArgSpec.optional(Type.BOOL, false)));
  }

  @Override
  TaskResult execute(ModuleContext ctx, Args args) throws Exception {
    DbPath db = DbPath.of(args.required("db"));
    String action =
        args.choice(
            "action",
            null,
            "restart-server",
            "terminate-server",
            "restart-agent",
            "terminate-agent");
    String verb = action.substring(0, action.indexOf('-'));
    String what = action.substring(action.indexOf('-') + 1);
    boolean force = args.bool("force", false);
    Map<String, Object> data = TaskResult.data("db", db.prefix(), "action", action);
    FactsProbe probe = probe(ctx);
    DbFacts facts = probe.read(db, true);
    data.put("before", facts.summary());
    if (!facts.exists()) {
      return new TaskResult.Failed(ctx.host() + ": " + db + ".db does not exist", data);
    }
    ReplicationRole needed =
        what.equals("server") ? ReplicationRole.SOURCE : ReplicationRole.TARGET;
    if (facts.role().orElse(null) != needed) {
      return new TaskResult.Failed(
          ctx.host()
              + ": the replication "
              + what
              + " runs on a "
              + needed.argName()
              + "; "
              + facts.summary(),
          data);
    }
    Optional<ReplicationStatus> status = facts.status();
    if (!force && status.isPresent()) {
      if (verb.equals("restart") && status.get().running()) {
        return new TaskResult.Ok(
            "the replication " + what + " is already running: " + status.get(), data);
      }
      if (verb.equals("terminate") && status.get().stopped()) {
        return new TaskResult.Ok(
            "the replication " + what + " is already stopped: " + status.get(), data);
      }
    }
    Utilities oe = utilities(ctx);
    List<String> argv = new ArrayList<>(List.of(db.name(), "-C", verb, what));
    if (ctx.checkMode()) {
      return new TaskResult.Changed("check mode: would run " + oe.line(db, "dsrutil", argv), data);
    }
    Utilities.Run r = oe.run(db, null, "dsrutil", argv);
    data.put("rc", r.rc());
    data.put("stdout", r.result().stdout());
    if (r.rc() != 0) {
      return new TaskResult.Failed(r.failure(ctx.host()), data);
    }
    DbFacts after = probe.read(db, true);
    data.put("after", after.summary());
    return new TaskResult.Changed(
        verb
            + " replication "
            + what
            + " of "
            + db
            + " (was "
            + status.map(ReplicationStatus::toString).orElse("unknown")
            + ", now "
            + after.status().map(ReplicationStatus::toString).orElse("unknown")
            + ")",
        data);
  }
}

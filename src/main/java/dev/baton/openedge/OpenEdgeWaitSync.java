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
 * {@code openedge_wait_sync}: polls {@code dsrutil db -C status -detail} until the pair is in sync:
 * 3049 (agent normal processing) on a target, 6021 (server normal processing) on a source. Changes
 * nothing; fails on timeout with the last code and what it means, and at once on 1034 (invalid
 * target configuration) or 1035 (agent failed), which no amount of waiting fixes.
 */
final class OpenEdgeWaitSync extends OpenEdgeModule {
  /** Detail codes after which an agent never reaches 3049 by itself: invalid target, failed. */
  private static final java.util.Set<Integer> FAILED_AGENT = java.util.Set.of(1034, 1035);

  @Override
  public String name() {
    return "openedge_wait_sync";
  }

  @Override
  public ArgSpec args() {
    return ArgSpec.of(
        Map.of(
            "db", ArgSpec.required(Type.PATH),
            "timeout", ArgSpec.optional(Type.INT, 3600),
            "interval", ArgSpec.optional(Type.INT, 10)));
  }

  @Override
  TaskResult execute(ModuleContext ctx, Args args) throws Exception {
    DbPath db = DbPath.of(args.required("db"));
    long timeout = (long) Math.ceil(args.number("timeout", 3600));
    long intervalMs = Math.max(100, (long) (args.number("interval", 10) * 1000));
    Map<String, Object> data = TaskResult.data("db", db.prefix());
    FactsProbe probe = probe(ctx);
    DbFacts facts = probe.read(db, false);
    if (!facts.exists()) {
      return new TaskResult.Failed(ctx.host() + ": " + db + ".db does not exist", data);
    }
    ReplicationRole role = facts.role().orElse(ReplicationRole.NONE);
    if (role == ReplicationRole.NONE) {
      return new TaskResult.Failed(
          ctx.host() + ": " + db + " is not replication-enabled; " + facts.summary(), data);
    }
    int want =
        role == ReplicationRole.TARGET
            ? ReplicationStatus.IN_SYNC_TARGET
            : ReplicationStatus.IN_SYNC_SOURCE;
    data.put("role", role.argName());
    data.put("want", want);
    long start = System.nanoTime();
    long deadline = start + timeout * 1_000_000_000L;
    Optional<ReplicationStatus> last = Optional.empty();
    List<String> problems = new ArrayList<>();
    int polls = 0;
    while (true) {
      problems.clear();
      last = probe.status(db, problems, "-C", "status", "-detail");
      polls++;
      long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
      ctx.progress()
          .update(
              db.name() + " " + last.map(ReplicationStatus::toString).orElse("no status"),
              elapsed,
              timeout,
              "s");
      if (last.isPresent() && last.get().code() == want) {
        data.put("status", last.get().code());
        data.put("meaning", last.get().meaning());
        data.put("elapsed", elapsed);
        data.put("polls", polls);
        return new TaskResult.Ok(db + " in sync: " + last.get() + " after " + elapsed + "s", data);
      }
      if (last.isPresent() && FAILED_AGENT.contains(last.get().code())) {
        // Waiting cannot help: the agent refused its server or failed; a person must act.
        data.put("status", last.get().code());
        data.put("polls", polls);
        return new TaskResult.Failed(
            db
                + " cannot get in sync: "
                + last.get()
                + (last.get().code() == 1034
                    ? "; the target was not seeded from this source (new seed needed)"
                    : "; see the agent's .repl.agent.lg (a new seed may be needed)"),
            data);
      }
      if (problems.stream().anyMatch(p -> p.contains("exited 3:"))) {
        return new TaskResult.Failed(
            "dsrutil says " + db + " is not replication-enabled: " + problems.get(0), data);
      }
      if (System.nanoTime() + intervalMs * 1_000_000L > deadline) {
        data.put("status", last.map(ReplicationStatus::code).orElse(null));
        data.put("polls", polls);
        return new TaskResult.Failed(
            db
                + " not in sync after "
                + elapsed
                + "s (waiting for "
                + ReplicationStatus.of(want)
                + "): last status "
                + last.map(ReplicationStatus::toString).orElse("unreadable: " + problems),
            data);
      }
      Thread.sleep(intervalMs);
    }
  }
}

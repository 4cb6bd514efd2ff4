package dev.baton.openedge;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Args;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.OnResume;
import dev.baton.modules.TaskResult;
import dev.baton.ssh.ExecResult;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code openedge_ai_check}: on the source (the secondary), reads its after-image extents ({@code
 * rfutil db -C aimage extent list}) and judges with {@link AiExtents} whether a seed can finish
 * before they run out: the seed's backup needs an EMPTY extent to switch to, and the EMPTY extents
 * after it must hold what the source writes until the new target has caught up ({@code ai_rate}
 * KB/s, measured from the BUSY extent when not given, over {@code seed_window} seconds). When this
 * run's seed was taken already ({@code seed_dest} is the backup its seed marker names: a resume),
 * there is no switch to come and the BUSY extent's room counts too. Read-only.
 */
final class OpenEdgeAiCheck extends OpenEdgeModule {
  private static final String NOW_MARK = "baton-host-now: ";

  @Override
  public String name() {
    return "openedge_ai_check";
  }

  @Override
  public OnResume onResume() {
    return OnResume.CHECK_AGAIN;
  }

  @Override
  public ArgSpec args() {
    return ArgSpec.of(
        Map.of(
            "db", ArgSpec.required(Type.PATH),
            "ai_rate", ArgSpec.optional(Type.ANY, null),
            "seed_dest", ArgSpec.optional(Type.STRING, null),
            "seed_window", ArgSpec.optional(Type.ANY, 3600)));
  }

  @Override
  TaskResult execute(ModuleContext ctx, Args args) throws Exception {
    DbPath db = DbPath.of(args.required("db"));
    long window = args.integer("seed_window", 3600);
    if (window < 1) {
      throw new IllegalArgumentException("seed_window must be a number of seconds above 0");
    }
    Double rate = null;
    String rateSource = "openedge_ai_rate";
    if (args.string("ai_rate") != null) {
      rate = args.number("ai_rate", 0);
      if (rate < 0) {
        throw new IllegalArgumentException("ai_rate must be KB per second, 0 or more");
      }
    }
    Utilities u = utilities(ctx);
    String list = u.line(db, "rfutil", List.of(db.name(), "-C", "aimage", "extent", "list"));
    // The host's own clock, in its local time like the extents' Start (POSIX date formats only).
    ExecResult r =
        u.shell(
            list
                + "; rc=$?; echo; echo '"
                + NOW_MARK
                + "'\"$(date '+%Y-%m-%dT%H:%M:%S')\"; exit $rc");
    if (r.exitCode() != 0) {
      return TaskResult.failed(
          new Utilities.Run(list, r).failure(ctx.target()) + " (after-image extents unreadable)");
    }
    LocalDateTime now = null;
    StringBuilder text = new StringBuilder();
    for (String line : r.stdout().split("\n")) {
      if (line.startsWith(NOW_MARK)) {
        try {
          now = LocalDateTime.parse(line.substring(NOW_MARK.length()).strip());
        } catch (java.time.format.DateTimeParseException e) {
          now = null;
        }
      } else {
        text.append(line).append('\n');
      }
    }
    List<AiExtents.Extent> extents = AiExtents.parse(text.toString());
    if (rate == null) {
      rate = AiExtents.measuredRate(extents, now);
      rateSource = "measured from the BUSY extent";
    }
    String where = ctx.target() + ":" + db;
    boolean seedTaken = false;
    if (args.string("seed_dest") != null) {
      seedTaken =
          readText(ctx, OpenEdgeBackup.seedMarker(db))
              .map(t -> args.string("seed_dest").equals(keyValues(t).get("dest")))
              .orElse(false);
    }
    List<ReplRules.Check> checks =
        AiExtents.judge(where, extents, rate, rateSource, window, seedTaken);
    List<String> table = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (ReplRules.Check c : checks) {
      table.add((c.ok() ? "ok   " : "FAIL ") + c.rule() + (c.ok() ? "" : ": " + c.problem()));
      if (!c.ok()) {
        problems.add(c.problem());
      }
    }
    Map<String, Object> data =
        TaskResult.data(
            "extents",
            extents.stream().map(AiExtents.Extent::asMap).toList(),
            "table",
            table,
            "problems",
            problems);
    if (rate != null) {
      data.put("ai_rate", rate);
    }
    if (!problems.isEmpty()) {
      return new TaskResult.Failed(String.join("; ", problems), data);
    }
    return new TaskResult.Ok(
        where + ": after-image extents " + AiExtents.summary(extents) + " outlast a seed", data);
  }
}

package dev.baton.openedge;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Args;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.TaskResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code openedge_serve}: a database served ({@code proserve db -S port [-DBService ...]}) or shut
 * down ({@code proshut db -by}). Reads busy/holder first, so it acts only when the state differs,
 * and afterwards until the state is reached or {@code wait} seconds pass.
 */
final class OpenEdgeServe extends OpenEdgeModule {
  @Override
  public String name() {
    return "openedge_serve";
  }

  @Override
  public ArgSpec args() {
    return ArgSpec.of(
        Map.of(
            "db", ArgSpec.required(Type.PATH),
            "state", ArgSpec.optional(Type.STRING, "started"),
            "port", ArgSpec.optional(Type.STRING, null),
            "service", ArgSpec.optional(Type.STRING, "none"),
            "extra_args", ArgSpec.optional(Type.ANY, null),
            "source_startup", ArgSpec.optional(Type.ANY, null),
            "check_only", ArgSpec.optional(Type.BOOL, false),
            "wait", ArgSpec.optional(Type.INT, 60)));
  }

  @Override
  TaskResult execute(ModuleContext ctx, Args args) throws Exception {
    DbPath db = DbPath.of(args.required("db"));
    String state = args.choice("state", "started", "started", "stopped");
    String service = args.choice("service", "none", "replserv", "replagent", "none");
    long waitSeconds = args.integer("wait", 60);
    List<String> extra = new ArrayList<>(args.words("extra_args"));
    Map<String, Long> own = StartupArgs.fromWords(extra);
    Map<String, Long> source = StartupArgs.fromMap(args.stringMap("source_startup"));
    extra.addAll(StartupArgs.missingFrom(own, source));
    String below = StartupArgs.belowSource(StartupArgs.fromWords(extra), source);
    if (below != null) {
      return TaskResult.failed(
          ctx.host()
              + ": "
              + db
              + " would be started with "
              + below
              + " (openedge_serve_args; the source's from its broker's .lg): a replication"
              + " target's -L, -n, -Maxxids and -n + -Mn must be at least its source's, else its"
              + " agent does not start on OpenEdge 11.7 to 12.1 (15771); raise"
              + " openedge_serve_args; nothing was changed");
    }
    if (args.bool("check_only", false)) {
      return new TaskResult.Ok(
          "proserve " + db.name() + " would run with " + String.join(" ", extra),
          TaskResult.data("startup_args", extra));
    }
    FactsProbe probe = probe(ctx);
    DbFacts facts = probe.read(db, false);
    Map<String, Object> data = TaskResult.data("db", db.prefix(), "state", state);
    if (!facts.exists()) {
      return new TaskResult.Failed(ctx.host() + ": " + db + ".db does not exist", data);
    }
    Utilities oe = utilities(ctx);
    if (state.equals("started")) {
      if (facts.served()) {
        return new TaskResult.Ok(db + " is already served", data);
      }
      if (facts.inUse()) {
        return new TaskResult.Failed(
            ctx.host() + ": " + db + " is open single-user or by a utility; cannot serve it", data);
      }
      List<String> argv = new ArrayList<>(List.of(db.name()));
      String port = args.string("port");
      if (port != null) {
        argv.add("-S");
        argv.add(port);
      }
      if (!service.equals("none")) {
        argv.add("-DBService");
        argv.add(service);
      }
      argv.addAll(extra);
      if (ctx.checkMode()) {
        return new TaskResult.Changed(
            "check mode: would run " + oe.line(db, "proserve", argv), data);
      }
      Utilities.Run r = oe.run(db, null, "proserve", argv);
      data.put("rc", r.rc());
      data.put("stdout", r.result().stdout());
      if (!await(probe, db, true, waitSeconds)) {
        return new TaskResult.Failed("not served after proserve: " + r.failure(ctx.host()), data);
      }
      return new TaskResult.Changed(
          "served "
              + db
              + (port == null ? "" : " on port " + port)
              + (service.equals("none") ? "" : " with -DBService " + service),
          data);
    }
    if (!facts.inUse()) {
      return new TaskResult.Ok(db + " is already shut down", data);
    }
    if (ctx.checkMode()) {
      return new TaskResult.Changed(
          "check mode: would run " + oe.line(db, "proshut", List.of(db.name(), "-by")), data);
    }
    Utilities.Run r = oe.run(db, "proshut", db.name(), "-by");
    data.put("rc", r.rc());
    data.put("stdout", r.result().stdout());
    if (!await(probe, db, false, waitSeconds)) {
      return new TaskResult.Failed(
          "still in use after proshut -by: " + r.failure(ctx.host()), data);
    }
    return new TaskResult.Changed("shut down " + db + " (proshut -by)", data);
  }

  /** Polls busy until the db is served (or free), at most {@code seconds}. */
  private static boolean await(FactsProbe probe, DbPath db, boolean served, long seconds)
      throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      DbFacts f = probe.read(db, false);
      if (served ? f.served() : !f.inUse()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(250);
    }
  }
}

package dev.baton.openedge;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.TaskResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code openedge_backup}: {@code probkup [online] db [incremental] dest}. Success is message 3740
 * in the output, never the exit code alone. After success a {@code <dest>.done} manifest (size,
 * sha256 computed on the host) records that the backup is complete, so a rerun does not take a
 * second backup (which on a replication source would also disturb a target being seeded).
 */
final class OpenEdgeBackup extends OpenEdgeModule {
  static final String MANIFEST_SUFFIX = ".done";

  @Override
  public String name() {
    return "openedge_backup";
  }

  @Override
  public ArgSpec args() {
    return ArgSpec.of(
        Map.of(
            "db", ArgSpec.required(Type.PATH),
            "dest", ArgSpec.required(Type.PATH),
            "online", ArgSpec.optional(Type.BOOL, true),
            "incremental", ArgSpec.optional(Type.BOOL, false),
            "extra_args", ArgSpec.optional(Type.ANY, null),
            "force", ArgSpec.optional(Type.BOOL, false)));
  }

  @Override
  TaskResult execute(ModuleContext ctx, Args args) throws Exception {
    DbPath db = DbPath.of(args.required("db"));
    String dest = args.required("dest");
    if (!dest.startsWith("/")) {
      throw new IllegalArgumentException("dest must be an absolute path, not " + dest);
    }
    boolean online = args.bool("online", true);
    boolean incremental = args.bool("incremental", false);
    boolean force = args.bool("force", false);
    String manifest = dest + MANIFEST_SUFFIX;
    Map<String, Object> data = TaskResult.data("db", db.prefix(), "dest", dest);

    if (!force) {
      Optional<TaskResult> done = alreadyTaken(ctx, dest, manifest, data);
      if (done.isPresent()) {
        return done.get();
      }
    }
    DbFacts facts = probe(ctx).readUse(db);
    if (!facts.exists()) {
      return new TaskResult.Failed(ctx.host() + ": " + db + ".db does not exist", data);
    }
    if (online && !facts.served()) {
      return new TaskResult.Failed(
          ctx.host()
              + ": online backup needs "
              + db
              + " served multi-user, but it is not (busy rc "
              + facts.busyRc()
              + "); start it or set online: false",
          data);
    }
    if (!online && facts.inUse()) {
      return new TaskResult.Failed(
          ctx.host() + ": offline backup refused: " + db + " is in use; shut it down first", data);
    }
    List<String> argv = new ArrayList<>();
    if (online) {
      argv.add("online");
    }
    argv.add(db.name());
    if (incremental) {
      argv.add("incremental");
    }
    argv.add(dest);
    argv.addAll(args.words("extra_args"));
    Utilities oe = utilities(ctx);
    if (ctx.checkMode()) {
      return new TaskResult.Changed("check mode: would run " + oe.line(db, "probkup", argv), data);
    }
    String parent =
        dest.contains("/") ? dest.substring(0, Math.max(1, dest.lastIndexOf('/'))) : ".";
    files(ctx).mkdirs(parent);
    // A manifest left from an older backup must not vouch for the file this run rewrites.
    files(ctx).delete(manifest);
    long started = System.nanoTime();
    Utilities.Run r = oe.run(db, null, "probkup", argv);
    double seconds = (System.nanoTime() - started) / 1e9;
    data.put("rc", r.rc());
    data.put("stdout", r.result().stdout());
    if (!r.hasMessage(3740)) {
      return new TaskResult.Failed(
          ctx.host() + ": backup not complete (no message 3740): " + r.failure(ctx.host()), data);
    }
    long size =
        files(ctx)
            .size(dest)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "probkup reported 3740 but " + dest + " is not there"));
    String sha = sha256(ctx, dest);
    writeText(
        ctx,
        manifest,
        "size="
            + size
            + "\nsha256="
            + sha
            + "\ndb="
            + db.prefix()
            + "\nonline="
            + online
            + "\nincremental="
            + incremental
            + "\ntaken="
            + Instant.now()
            + "\n");
    data.put("size", size);
    data.put("sha256", sha);
    data.put("duration", Math.round(seconds * 10) / 10.0);
    data.put("manifest", manifest);
    return new TaskResult.Changed(
        (online ? "online" : "offline") + " backup of " + db + " complete (3740): " + dest, data);
  }

  private static Optional<TaskResult> alreadyTaken(
      ModuleContext ctx, String dest, String manifest, Map<String, Object> data) throws Exception {
    Optional<Long> st = files(ctx).size(dest);
    if (st.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> text = readText(ctx, manifest);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> kv = keyValues(text.get());
    if (!String.valueOf(st.get()).equals(kv.get("size")) || kv.get("sha256") == null) {
      return Optional.empty();
    }
    data.put("size", st.get());
    data.put("sha256", kv.get("sha256"));
    data.put("manifest", manifest);
    return Optional.of(
        new TaskResult.Ok(
            "backup already taken: "
                + dest
                + " ("
                + manifest
                + " from "
                + kv.get("taken")
                + "); force: true takes a new one",
            data));
  }
}

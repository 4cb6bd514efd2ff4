package dev.baton.openedge;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Args;
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
 *
 * <p>{@code seed: true} takes the backup that seeds a replication target: {@code probkup online db
 * dest -REPLTargetCreation} [doc]. Until that target reaches normal processing, another backup or a
 * quiet point of the source makes the seed useless (10440 / 11696 when its agent connects; a new
 * seed is needed) [doc]. So a seed leaves a marker {@code .baton-seed.NAME} beside the source db,
 * and a later seed backup of another destination is refused while the marker stands and the
 * source's server is not in normal processing (6021), unless {@code force_new_seed: true}. A re-run
 * or a resume of the same failback reuses its verified backup (same destination).
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
            "force", ArgSpec.optional(Type.BOOL, false),
            "seed", ArgSpec.optional(Type.BOOL, false),
            "force_new_seed", ArgSpec.optional(Type.BOOL, false),
            "seed_for", ArgSpec.optional(Type.STRING, null)));
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
    boolean seed = args.bool("seed", false);
    if (seed && (!online || incremental)) {
      throw new IllegalArgumentException(
          "seed: true takes a full online backup (-REPLTargetCreation); online must be true and"
              + " incremental false");
    }
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
    String marker = seedMarker(db);
    if (seed && !args.bool("force_new_seed", false)) {
      Optional<TaskResult> pending =
          pendingSeed(ctx, db, dest, args.string("seed_for", ""), marker, data);
      if (pending.isPresent()) {
        return pending.get();
      }
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
    if (seed) {
      argv.add("-REPLTargetCreation");
    }
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
    if (seed) {
      // Re-seeding: remove the source's <db>.repl.recovery too [doc: KB 000057059 step 1, P143492];
      // openedge_restore removes the target's.
      files(ctx).delete(db.file(".repl.recovery"));
    }
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
    if (seed) {
      Object root = ctx.vars().get("baton_run_root");
      writeText(
          ctx,
          marker,
          "dest="
              + dest
              + "\nrun_root="
              + root
              + "\ntaken="
              + Instant.now()
              + "\ndb_inode="
              + dbInode(ctx, db)
              + "\nseed_for="
              + args.string("seed_for", "")
              + "\n");
      data.put("seed_marker", marker);
    }
    data.put("size", size);
    data.put("sha256", sha);
    data.put("duration", Math.round(seconds * 10) / 10.0);
    data.put("manifest", manifest);
    return new TaskResult.Changed(
        (online ? "online" : "offline") + " backup of " + db + " complete (3740): " + dest, data);
  }

  /** The inode of the db's control area: which incarnation of the database a marker is about. */
  private static String dbInode(ModuleContext ctx, DbPath db) throws Exception {
    return ctx.exec("ls -i -- " + dev.baton.ssh.ShellQuote.quote(db.file(".db")) + " 2>/dev/null")
        .stdout()
        .strip()
        .split("\\s+")[0];
  }

  /** Beside the db, not a {@code <db>.*} file (the preserve step moves those). */
  static String seedMarker(DbPath db) {
    return (db.dir().equals("/") ? "" : db.dir()) + "/.baton-seed." + db.name();
  }

  /** A seed of another destination whose target has not caught up yet: refuse to spoil it. */
  private static Optional<TaskResult> pendingSeed(
      ModuleContext ctx,
      DbPath db,
      String dest,
      String seedFor,
      String marker,
      Map<String, Object> data)
      throws Exception {
    Optional<String> text = readText(ctx, marker);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> kv = keyValues(text.get());
    if (dest.equals(kv.get("dest"))) {
      return Optional.empty();
    }
    // A new seed of the same target supersedes its pending one: this run restores over it.
    if (seedFor.equals(kv.getOrDefault("seed_for", ""))) {
      return Optional.empty();
    }
    // A database created again since (another inode for its .db) has no seed pending.
    if (!dbInode(ctx, db).equals(kv.getOrDefault("db_inode", ""))) {
      return Optional.empty();
    }
    DbFacts now = probe(ctx).read(db, true);
    int detail = now.detail().map(ReplicationStatus::code).orElse(0);
    if (detail == 6021) {
      return Optional.empty();
    }
    data.put("pending_seed", kv.get("dest"));
    return Optional.of(
        new TaskResult.Failed(
            ctx.host()
                + ": a seed backup of "
                + db
                + " taken "
                + kv.get("taken")
                + " ("
                + kv.get("dest")
                + ", run "
                + kv.get("run_root")
                + (kv.getOrDefault("seed_for", "").isEmpty() ? "" : ", for " + kv.get("seed_for"))
                + ") is still pending: its target has not reached normal processing (server"
                + " status "
                + (detail == 0 ? "unknown" : detail)
                + ", not 6021); another backup now would make that seed useless (10440). Finish"
                + " that failback (baton resume "
                + kv.get("run_root")
                + "), or set force_new_seed: true; nothing was changed",
            data));
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

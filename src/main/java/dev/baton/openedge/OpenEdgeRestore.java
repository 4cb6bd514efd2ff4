package dev.baton.openedge;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Args;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.TaskResult;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import dev.baton.transfer.VerifiedCopy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code openedge_restore}: re-seeds a database as a replication target from a backup of the source
 * (step 7 of the failback). Refuses, before changing anything, a db that is in use or is a
 * replication source (split brain) and a backup whose sha256 is not the expected one. An existing
 * db is always moved aside first ({@link PreserveDatabase}); only then is PROREST's overwrite
 * question answered. Success is PROREST's messages plus describe saying Target afterwards. The lock
 * a PROREST killed mid-way leaves is removed only when it is provably that PROREST's ({@link
 * InterruptedRestore}).
 */
final class OpenEdgeRestore extends OpenEdgeModule {
  static final String MARKER_SUFFIX = ".baton-restore";

  @Override
  public String name() {
    return "openedge_restore";
  }

  @Override
  public ArgSpec args() {
    return ArgSpec.of(
        Map.of(
            "db", ArgSpec.required(Type.PATH),
            "backup", ArgSpec.required(Type.PATH),
            "transition", ArgSpec.optional(Type.STRING, "repl"),
            "preserve_dir", ArgSpec.optional(Type.PATH, null),
            "force_split_brain", ArgSpec.optional(Type.BOOL, false),
            "expected_sha256", ArgSpec.optional(Type.STRING, null),
            "wait_earlier", ArgSpec.optional(Type.ANY, 1800)));
  }

  @Override
  TaskResult execute(ModuleContext ctx, Args args) throws Exception {
    DbPath db = DbPath.of(args.required("db"));
    if (!db.dir().startsWith("/")) {
      throw new IllegalArgumentException("db must be an absolute path, not " + db);
    }
    String backup = args.required("backup");
    if (!backup.startsWith("/")) {
      throw new IllegalArgumentException("backup must be an absolute path, not " + backup);
    }
    String transition = args.choice("transition", "repl", "repl", "enable");
    boolean forceSplitBrain = args.bool("force_split_brain", false);
    String expected = args.string("expected_sha256");
    String preserveRoot = args.string("preserve_dir");
    Map<String, Object> data = TaskResult.data("db", db.prefix(), "backup", backup);
    data.put("transition", transition);

    boolean backupThere = files(ctx).isFile(backup);
    // In --check the backup is normally not there yet (the steps before would bring it): the plan
    // is still worth showing, with every refusal that can be decided without it.
    if (!backupThere && !ctx.checkMode()) {
      return new TaskResult.Failed(ctx.host() + ": backup " + backup + " is not a file", data);
    }
    // A lock that our own PROREST, killed in an earlier run, left: it would make the db look in use
    // for ever, and the old db is already preserved, so removing it is the way to resume.
    InterruptedRestore interrupted = new InterruptedRestore(ctx, db);
    InterruptedRestore.Found left = interrupted.look();
    if (left.pidFile() && left.alive() && !ctx.checkMode()) {
      left = awaitEarlier(interrupted, left, args.integer("wait_earlier", 1800));
    }
    boolean staleLock = left.ourStaleLock();
    if (staleLock) {
      data.put("stale_lock", db + ".lk of an interrupted prorest (" + left.pidText() + ", gone)");
    }
    if (left.pidFile() && !left.alive() && !ctx.checkMode()) {
      interrupted.clear(staleLock);
    }
    Optional<String> halfMoved = finishInterruptedPreserve(ctx, db, preserveRoot, data);
    FactsProbe probe = probe(ctx);
    DbFacts facts = probe.read(db, false);
    data.put("before", facts.summary());
    data.put("previous_role", facts.exists() ? facts.roleName() : "none");
    String backupSha = null;
    if (backupThere) {
      Optional<String> vouched = vouchedByTransfer(ctx, backup, expected);
      backupSha = vouched.isPresent() ? vouched.get() : sha256(ctx, backup);
      data.put("backup_sha256_by", vouched.isPresent() ? "transfer record" : "digest");
    }
    data.put("backup_sha256", backupSha);
    String marker = db.file(MARKER_SUFFIX);
    Optional<EarlierRestore.Intent> intent = EarlierRestore.read(ctx, db);
    if (intent.isPresent()) {
      data.put("earlier_restore", intent.get().backup());
    }
    if (intent.isPresent()
        && backupSha != null
        && backupSha.equals(intent.get().sha256())
        && facts.exists()
        && !left.alive()
        && !ctx.checkMode()
        && EarlierRestore.completed(ctx, db)) {
      return adopt(ctx, db, intent.get(), transition, marker, backup, data);
    }

    if (backupSha != null
        && facts.exists()
        && facts.role().orElse(null) == ReplicationRole.TARGET) {
      Optional<String> m = readText(ctx, marker);
      if (m.isPresent() && backupSha.equals(keyValues(m.get()).get("sha256"))) {
        // A resume after the restore finished: say again where the old db went (the operator's
        // pointer to it must not depend on which run printed it first).
        String kept = keyValues(m.get()).getOrDefault("preserved_to", "");
        if (!kept.isEmpty()) {
          data.put("preserved_to", kept);
        }
        return new TaskResult.Ok(
            "already a target restored from " + backup + " (sha256 " + backupSha + ")", data);
      }
    }
    if (backupSha != null
        && expected != null
        && !expected.strip().toLowerCase(Locale.ROOT).equals(backupSha)) {
      return new TaskResult.Failed(
          ctx.host()
              + ": "
              + backup
              + " has sha256 "
              + backupSha
              + ", not the expected "
              + expected.strip()
              + "; nothing changed",
          data);
    }
    if (!facts.exists() && left.lock() && !staleLock) {
      return new TaskResult.Failed(
          ctx.host()
              + ": "
              + db
              + ".lk exists but "
              + db
              + ".db does not: "
              + (left.alive()
                  ? "the prorest of an earlier run still runs (" + left.pidText() + ")"
                  : "another process may be creating the db (prodb, prorest)")
              + "; remove the .lk once nothing runs against it; nothing changed",
          data);
    }
    Utilities oe = utilities(ctx);
    List<String> argv = new ArrayList<>(List.of(db.name(), backup));
    if (transition.equals("repl")) {
      argv.add("-REPLTransition");
    }
    if (halfMoved.isPresent() && ctx.checkMode()) {
      return new TaskResult.Changed(
          "check mode: would finish moving "
              + db
              + " aside into "
              + halfMoved.get()
              + " (an earlier run was interrupted half way), then run "
              + oe.line(db, "prorest", argv),
          data);
    }
    if (facts.exists()) {
      // In check mode the stale lock is still there (only a real run removes it).
      boolean lockSeen = ctx.checkMode() && staleLock;
      Optional<String> refusal = refusal(ctx, db, facts, forceSplitBrain, preserveRoot, lockSeen);
      if (refusal.isPresent()) {
        return new TaskResult.Failed(refusal.get() + "; nothing changed", data);
      }
    }
    if (ctx.checkMode()) {
      return new TaskResult.Changed(
          "check mode: would "
              + (staleLock ? "remove the lock " + data.get("stale_lock") + ", " : "")
              + (facts.exists() ? "move " + db + " aside under " + preserveRoot + ", then " : "")
              + "run "
              + oe.line(db, "prorest", argv)
              + (backupThere ? "" : " (" + backup + " is not there yet)"),
          data);
    }

    Optional<String> noRoom = roomForTheRestore(ctx, db, backup);
    if (noRoom.isPresent()) {
      return new TaskResult.Failed(noRoom.get(), data);
    }
    long started = System.nanoTime();
    if (facts.exists()) {
      PreserveDatabase.Preserved p =
          new PreserveDatabase(ctx, oe)
              .preserve(db, preserveRoot, Set.of(StructureFile.normalize(backup)));
      data.put("preserved_to", p.dir());
      data.put("preserved_manifest", p.manifest());
      data.put("preserved_files", p.moved());
      if (files(ctx).exists(db.file(".db"))) {
        return new TaskResult.Failed(
            ctx.host() + ": " + db + ".db is still there after preserving; not restoring", data);
      }
    }
    if (!facts.exists() && intent.isEmpty() && preserveRoot != null) {
      // Nothing to preserve now, but an earlier attempt of this run may have moved the old db
      // aside and lost its connection before recording it: name that directory, not "none".
      earlierPreserve(ctx, db, preserveRoot).ifPresent(d -> data.put("preserved_to", d));
    }
    if (intent.isPresent() && !intent.get().preservedTo().isEmpty()) {
      // An earlier run moved the real old primary aside and its PROREST did not finish: what was
      // just moved is that PROREST's leftovers. The old primary is where the earlier run put it.
      data.put("partial_restore_moved_to", data.get("preserved_to"));
      data.put("preserved_to", intent.get().preservedTo());
    }
    // Documented: a stale recovery file makes the new target refuse its source.
    files(ctx).delete(db.file(".repl.recovery"));
    EarlierRestore.write(
        ctx,
        db,
        new EarlierRestore.Intent(
            backup, backupSha, String.valueOf(data.getOrDefault("preserved_to", ""))));

    Utilities.Run restore = oe.runRecordingPid(db, interrupted.pidFile(), "y\n", "prorest", argv);
    boolean killedLockRemoved = interrupted.afterProrest(restore.rc());
    data.put("rc", restore.rc());
    data.put("stdout", restore.result().stdout());
    if (restore.rc() != 0 || !restore.hasMessage(6759)) {
      return new TaskResult.Failed(
          "restore failed"
              + preservedNote(data)
              + ": "
              + restore.failure(ctx.host())
              + (killedLockRemoved ? " (killed: removed the " + db + ".lk it left)" : ""),
          data);
    }
    Optional<TaskResult> notTarget =
        enableAndCheckTarget(ctx, db, oe, transition.equals("enable"), data);
    if (notTarget.isPresent()) {
      return notTarget.get();
    }
    writeText(
        ctx,
        marker,
        "backup="
            + backup
            + "\nsha256="
            + backupSha
            + "\nrestored="
            + Instant.now()
            + "\npreserved_to="
            + data.getOrDefault("preserved_to", "")
            + "\n");
    EarlierRestore.delete(ctx, db);
    data.put("duration", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
    return new TaskResult.Changed(
        "restored "
            + db
            + " from "
            + backup
            + " as a replication target"
            + (data.containsKey("preserved_to")
                ? "; the old db was moved to " + data.get("preserved_to")
                : "")
            + (staleLock ? "; removed the " + data.get("stale_lock") : ""),
        data);
  }

  /**
   * An earlier run killed while it moved the old db aside leaves part of it in place, which no
   * utility can open: its planned moves are finished before the db is read, so the resume sees what
   * the earlier run meant to leave (no db here, the old one whole in the preserve directory). In
   * check mode only the directory is named.
   */
  private static Optional<String> finishInterruptedPreserve(
      ModuleContext ctx, DbPath db, String preserveRoot, Map<String, Object> data)
      throws Exception {
    if (preserveRoot == null || !preserveRoot.startsWith("/")) {
      return Optional.empty();
    }
    PreserveDatabase preserve = new PreserveDatabase(ctx, utilities(ctx));
    Optional<String> dir = preserve.unfinished(db, preserveRoot);
    if (dir.isPresent() && !ctx.checkMode()) {
      PreserveDatabase.Preserved p = preserve.finish(db, dir.get());
      data.put("preserved_to", p.dir());
      data.put("preserved_manifest", p.manifest());
      data.put("preserve_finished", p.moved());
    }
    return dir;
  }

  /** The newest directory under {@code preserveRoot} whose MANIFEST lists this db's moves. */
  private static Optional<String> earlierPreserve(ModuleContext ctx, DbPath db, String root)
      throws Exception {
    String line =
        "for d in "
            + ShellQuote.quote(root.replaceAll("/+$", "") + "/" + db.name() + "-")
            + "*/; do grep -qF -- "
            + ShellQuote.quote(db.file(".db") + " -> ")
            + " \"$d/MANIFEST\" 2>/dev/null && printf '%s\\n' \"${d%/}\"; done | sort | tail -n 1";
    String d = ctx.exec(line).stdout().strip();
    return d.isEmpty() ? Optional.empty() : Optional.of(d);
  }

  /** Enables the restored db as a target when asked; then checks it is one. */
  private static Optional<TaskResult> enableAndCheckTarget(
      ModuleContext ctx, DbPath db, Utilities oe, boolean enableFirst, Map<String, Object> data)
      throws Exception {
    if (enableFirst) {
      Utilities.Run enable =
          oe.run(db, "proutil", db.name(), "-C", "enableSiteReplication", "target");
      data.put("enable_rc", enable.rc());
      if (enable.rc() != 0) {
        return Optional.of(
            new TaskResult.Failed(
                "restored, but enabling it as a target failed"
                    + preservedNote(data)
                    + ": "
                    + enable.failure(ctx.host()),
                data));
      }
    }
    DbFacts now = probe(ctx).read(db, false);
    data.put("role", now.roleName());
    if (now.role().orElse(null) != ReplicationRole.TARGET) {
      return Optional.of(
          new TaskResult.Failed(
              "prorest reported success but describe says replication "
                  + now.roleName()
                  + ", not target"
                  + preservedNote(data)
                  + " ("
                  + String.join("; ", now.problems())
                  + ")",
              data));
    }
    return Optional.empty();
  }

  /**
   * The PROREST of an earlier run, whose runner died, finished on its own from this same backup:
   * its database is the restore this step was to make. It is kept (enabled as a target where
   * asked), and the old primary is reported where the earlier run moved it.
   */
  private static TaskResult adopt(
      ModuleContext ctx,
      DbPath db,
      EarlierRestore.Intent intent,
      String transition,
      String marker,
      String backup,
      Map<String, Object> data)
      throws Exception {
    if (!intent.preservedTo().isEmpty()) {
      data.put("preserved_to", intent.preservedTo());
    }
    data.put("adopted", true);
    // With transition enable the runner may have died before enabling what PROREST restored.
    boolean enable =
        transition.equals("enable")
            && probe(ctx).read(db, false).role().orElse(null) != ReplicationRole.TARGET;
    Optional<TaskResult> notTarget = enableAndCheckTarget(ctx, db, utilities(ctx), enable, data);
    if (notTarget.isPresent()) {
      return notTarget.get();
    }
    writeText(
        ctx,
        marker,
        "backup="
            + backup
            + "\nsha256="
            + intent.sha256()
            + "\nrestored="
            + Instant.now()
            + "\npreserved_to="
            + intent.preservedTo()
            + "\n");
    EarlierRestore.delete(ctx, db);
    return new TaskResult.Changed(
        "the prorest of an earlier run finished on its own (1369 in "
            + db
            + ".lg): adopted its restore of "
            + db
            + " from "
            + backup
            + " as a replication target"
            + (intent.preservedTo().isEmpty()
                ? ""
                : "; the old db was moved to " + intent.preservedTo()),
        data);
  }

  /**
   * PROREST writes as many bytes as the backup holds into the database's directory, and moving the
   * old database aside on the same filesystem frees nothing: without that much free space it would
   * fail half way, after the old database was moved. Checked before anything moves.
   */
  private static Optional<String> roomForTheRestore(ModuleContext ctx, DbPath db, String backup)
      throws Exception {
    long need = files(ctx).size(backup).orElse(0L);
    long free;
    try {
      free = ctx.remote().files().freeSpace(db.dir());
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty(); // no directory yet: PROREST's own structure check says so
    }
    if (free >= need) {
      return Optional.empty();
    }
    return Optional.of(
        ctx.host()
            + ": not enough free space in "
            + db.dir()
            + " to restore "
            + backup
            + ": "
            + need
            + " bytes needed, "
            + free
            + " free; nothing changed");
  }

  /** Waits, within {@code seconds}, for the PROREST an earlier run started to end. */
  private static InterruptedRestore.Found awaitEarlier(
      InterruptedRestore interrupted, InterruptedRestore.Found left, long seconds)
      throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    InterruptedRestore.Found now = left;
    while (now.alive() && System.nanoTime() < deadline) {
      Thread.sleep(2000);
      now = interrupted.look();
    }
    return now;
  }

  private static Optional<String> refusal(
      ModuleContext ctx,
      DbPath db,
      DbFacts facts,
      boolean forceSplitBrain,
      String preserveRoot,
      boolean staleLockSeen) {
    String h = ctx.host() + ": ";
    if (facts.inUse() && !staleLockSeen) {
      return Optional.of(
          h
              + db
              + " is in use (proutil -C busy exit "
              + facts.busyRc()
              + (facts.holderRc() >= 0 ? ", holder exit " + facts.holderRc() : "")
              + ")"
              + (facts.role().orElse(null) == ReplicationRole.SOURCE
                  ? " and is a replication SOURCE: restoring over a live source is a split brain"
                  : ": shut it down (proshut -by) before restoring over it"));
    }
    if (facts.role().isEmpty() && !forceSplitBrain) {
      return Optional.of(h + "cannot read the replication role of " + db + ": " + facts.problems());
    }
    // A source that is shut down is the stale copy a failover leaves on the primary: exactly what
    // this restore replaces, and it is preserved before anything overwrites it. A served
    // (live) source was refused above as in use; restoring over it would be the split brain.
    if (preserveRoot == null) {
      return Optional.of(
          h + db + " exists: preserve_dir is required, the old db is moved there first");
    }
    if (!preserveRoot.startsWith("/")) {
      return Optional.of(
          h + "preserve_dir must be an absolute directory on this host, not " + preserveRoot);
    }
    return Optional.empty();
  }

  /**
   * The backup's digest as the transfer that brought it verified it ({@code <backup>.verified}),
   * when that record names {@code expected}, the file's current size, and the file was not modified
   * after it: one read of a backup of hundreds of GB saved. Otherwise empty, and the caller digests
   * the file.
   */
  private static Optional<String> vouchedByTransfer(
      ModuleContext ctx, String backup, String expected) throws RemoteException {
    if (expected == null) {
      return Optional.empty();
    }
    var r = ctx.exec(VerifiedCopy.checkCommand(backup));
    // Printed: the file's size on the first line, then the record.
    String[] sizeAndRecord = r.stdout().strip().split("\n", 2);
    if (!r.ok() || sizeAndRecord.length < 2) {
      return Optional.empty();
    }
    return VerifiedCopy.vouchedDigest(keyValues(sizeAndRecord[1]), sizeAndRecord[0], expected);
  }

  private static String preservedNote(Map<String, Object> data) {
    Object p = data.get("preserved_to");
    return p == null ? "" : " (the old db is preserved in " + p + ")";
  }
}

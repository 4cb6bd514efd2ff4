package dev.baton.modules;

import dev.baton.ssh.ExecResult;
import dev.baton.ssh.ShellQuote;
import java.util.Map;

/**
 * {@code run_lock}: a named lock held on a host for the length of a run, so that two operators (on
 * the same jump host or on two) cannot fail back the same site pair at once. The lock is a
 * directory created with {@code mkdir}, which is atomic on every POSIX file system, holding an
 * {@code owner} file (run id, operator, jump host, time).
 *
 * <p>With {@code db}, the lock belongs to the database itself: the directory {@code
 * .baton-lock.NAME} beside it, in the database's real directory ({@code cd -P}), so two operators
 * whose inventories call the host or the database by different names, or set different {@code
 * lock_dir}s, still meet the same lock. PROREST and the preserve step leave it alone: it is not a
 * {@code NAME.*} file.
 *
 * <p>A run resumed with {@code baton resume} takes over the lock of the run it resumes; any other
 * holder is refused with its identity, and exit code 6 when that is the only failure. A lock this
 * run took is released again if the run then ends failed or unreachable before doing any work
 * ({@link ModuleContext#onAbandon}): a refusal that changed nothing leaves nothing behind.
 */
public final class RunLock implements Module {
  /** The key of a refusal's result data that makes the run exit with the "locked" code. */
  public static final String LOCKED = "locked";

  @Override
  public String name() {
    return "run_lock";
  }

  /**
   * A failed run released its lock in {@code always}; skipping the acquire on resume would let the
   * resumed run work unlocked (and skipping the release would leak it). Acquire and release are
   * idempotent for the runs of one failback, so they simply run again.
   */
  @Override
  public OnResume onResume() {
    return OnResume.RUN_AGAIN;
  }

  @Override
  public ArgSpec args() {
    return new ArgSpec(
        Map.of(
            "name", ArgSpec.optional(ArgSpec.Type.STRING, null),
            "db", ArgSpec.optional(ArgSpec.Type.PATH, null),
            "state", ArgSpec.optional(ArgSpec.Type.STRING, "acquired"),
            "dir", ArgSpec.optional(ArgSpec.Type.PATH, "/var/tmp/baton-locks"),
            "force", ArgSpec.optional(ArgSpec.Type.BOOL, false)),
        false,
        false,
        java.util.List.of(java.util.Set.of("name", "db")));
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    Object db = args.get("db");
    Object nameArg = args.get("name");
    if ((db == null) == (nameArg == null)) {
      return TaskResult.failed(
          "run_lock: give either name (a lock under dir) or db (the database's own lock)");
    }
    String dir;
    String lock;
    String what;
    if (db != null) {
      String dbPath = db.toString();
      String dbDir =
          dbPath.contains("/") ? dbPath.substring(0, Math.max(1, dbPath.lastIndexOf('/'))) : ".";
      String base = dbPath.substring(dbPath.lastIndexOf('/') + 1);
      ExecResult real = ctx.exec("cd -P -- " + ShellQuote.quote(dbDir) + " && pwd");
      if (!real.ok() || real.stdout().isBlank()) {
        return TaskResult.failed(
            "run_lock: the database directory "
                + dbDir
                + " of "
                + dbPath
                + " does not exist on "
                + ctx.host()
                + "; nothing locked");
      }
      dir = real.stdout().strip();
      lock = dir + "/.baton-lock." + base;
      what = "database " + (dir.equals("/") ? "" : dir) + "/" + base;
    } else {
      String name = nameArg.toString();
      if (!name.matches("[A-Za-z0-9._-]+")) {
        return TaskResult.failed(
            "run_lock: name may hold letters, digits, '.', '_' and '-' only: " + name);
      }
      dir = String.valueOf(args.getOrDefault("dir", "/var/tmp/baton-locks"));
      lock = dir + "/" + name + ".lock";
      what = "site pair";
    }
    String state = String.valueOf(args.getOrDefault("state", "acquired"));
    boolean force =
        Boolean.TRUE.equals(args.get("force")) || "true".equals(String.valueOf(args.get("force")));
    String runId = String.valueOf(ctx.vars().getOrDefault("baton_run_id", "unknown"));
    Object resumeOf = ctx.vars().get("baton_resume_of");
    Object root = ctx.vars().get("baton_run_root");
    String owner = readOwner(ctx, lock);
    String holder = owner == null ? null : field(owner, "run");
    // A resume takes the lock over only from the run it resumes: two resumes of one run started
    // at once must not both go on. Releasing is looser: the runs of one failback (the first and
    // every resume of it) share the root run id, and a lock that names any of them is ours to
    // release at the end (a run refused the lock never gets that far).
    String holderRoot = owner == null ? null : field(owner, "root");
    boolean ours = runId.equals(holder) || (resumeOf != null && resumeOf.toString().equals(holder));
    boolean sameFailback =
        ours || (root != null && holderRoot != null && root.toString().equals(holderRoot));
    Map<String, Object> data = TaskResult.data("lock", lock, "holder", holder);

    if (state.equals("released")) {
      if (owner == null) {
        return new TaskResult.Ok("not held", data);
      }
      if (!sameFailback && !force) {
        return new TaskResult.Ok("held by run " + holder + ", not ours: left alone", data);
      }
      if (ctx.checkMode()) {
        return new TaskResult.Changed("would release " + lock, data);
      }
      ExecResult r = ctx.exec("rm -rf -- " + ShellQuote.quote(lock));
      return r.ok()
          ? new TaskResult.Changed("released " + lock, data)
          : TaskResult.failed("cannot release " + lock + ": " + r.stderr().strip());
    }
    if (!state.equals("acquired")) {
      return TaskResult.failed("run_lock: state must be acquired or released, not " + state);
    }
    if (owner != null && !ours && !force) {
      data.put(LOCKED, true);
      return new TaskResult.Failed(
          what
              + " locked by another run: "
              + owner.replace('\n', ' ').strip()
              + " (lock "
              + lock
              + "; if that run is dead, remove it or use force)",
          data);
    }
    if (ctx.checkMode()) {
      return new TaskResult.Changed("check mode: would acquire " + lock, data);
    }
    String info =
        "run="
            + runId
            + (root == null ? "" : "\nroot=" + root)
            + "\noperator="
            + System.getProperty("user.name")
            + "\njump_host="
            + hostname()
            + "\nsince="
            + java.time.Instant.now()
            + "\n";
    String q = ShellQuote.quote(lock);
    String script =
        owner == null
            ? "umask 022; mkdir -p -- "
                + ShellQuote.quote(dir)
                + " && mkdir -- "
                + q
                + " && printf %s "
                + ShellQuote.quote(info)
                + " > "
                + q
                + "/owner"
            : "printf %s " + ShellQuote.quote(info) + " > " + q + "/owner";
    ExecResult r = ctx.exec(script);
    if (!r.ok()) {
      // Lost a race with another run between our read and our mkdir: report who won.
      String now = readOwner(ctx, lock);
      data.put(LOCKED, true);
      return new TaskResult.Failed(
          "cannot acquire "
              + lock
              + (now == null
                  ? ": " + r.stderr().strip()
                  : ": held by " + now.replace('\n', ' ').strip()),
          data);
    }
    data.put("holder", runId);
    ctx.onAbandon(() -> releaseIfOurs(ctx, lock, runId));
    return new TaskResult.Changed(
        owner == null ? "acquired " + lock : "took over " + lock + " from run " + holder, data);
  }

  /** The abandoned run's undo: removes the lock if this run still holds it. */
  private static String releaseIfOurs(ModuleContext ctx, String lock, String runId)
      throws Exception {
    String owner = readOwner(ctx, lock);
    if (owner == null || !runId.equals(field(owner, "run"))) {
      return null;
    }
    ExecResult r = ctx.exec("rm -rf -- " + ShellQuote.quote(lock));
    return r.ok()
        ? "released " + ctx.host() + ":" + lock
        : "could not release " + ctx.host() + ":" + lock + ": " + r.stderr().strip();
  }

  private static String readOwner(ModuleContext ctx, String lock) throws Exception {
    ExecResult r =
        ctx.exec(
            "cat -- "
                + ShellQuote.quote(lock + "/owner")
                + " 2>/dev/null || { test -d "
                + ShellQuote.quote(lock)
                + " && echo run=unknown; }");
    String out = r.stdout();
    return r.ok() && !out.isBlank() ? out : null;
  }

  private static String field(String owner, String key) {
    for (String line : owner.split("\n")) {
      if (line.startsWith(key + "=")) {
        return line.substring(key.length() + 1).strip();
      }
    }
    return null;
  }

  private static String hostname() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown";
    }
  }
}

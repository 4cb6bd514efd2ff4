package dev.baton.openedge;

import dev.baton.modules.ModuleContext;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a PROREST killed mid-way leaves behind, and how baton tells it apart from someone else
 * holding the database. PROREST holds {@code <db>.lk} while it writes; killed (sshd gone with its
 * session, OOM killer, SIGKILL) it leaves the lock behind, and a stale lock makes the database look
 * in use to every utility, PROREST included (OPENEDGE.md: "a stale .lk"). So the restore records
 * PROREST's pid in {@code <db>.baton-prorest} before starting it. A lock is ours to remove only
 * when that pid no longer runs and the lock is newer than the pid file (created by our PROREST, not
 * one that was there before it).
 */
final class InterruptedRestore {
  static final String PID_SUFFIX = ".baton-prorest";

  /**
   * The lock and pid file as found on the host.
   *
   * @param lock whether {@code <db>.lk} exists
   * @param pidFile whether {@code <db>.baton-prorest} exists
   * @param pid the pid it names, if it holds a number
   * @param alive whether that pid still runs (then nothing is ours to clear)
   * @param lockNewer whether the lock is newer than the pid file
   */
  record Found(boolean lock, boolean pidFile, OptionalLong pid, boolean alive, boolean lockNewer) {
    /** A lock that our own earlier PROREST left: it came after the pid file, whose pid is gone. */
    boolean ourStaleLock() {
      return lock && lockNewer && pid.isPresent() && !alive;
    }

    String pidText() {
      return pid.isPresent() ? "pid " + pid.getAsLong() : "an unreadable pid";
    }
  }

  private final ModuleContext ctx;
  private final DbPath db;

  InterruptedRestore(ModuleContext ctx, DbPath db) {
    this.ctx = ctx;
    this.db = db;
  }

  String pidFile() {
    return db.file(PID_SUFFIX);
  }

  /** One round trip: is there a lock, a pid file, and does its pid run? */
  Found look() throws RemoteException, IOException {
    String pf = ShellQuote.quote(pidFile());
    String lk = ShellQuote.quote(db.file(".lk"));
    // kill -0 fails with EPERM for another user's process, so /proc and ps are asked too: a
    // process counts as gone only when no way of asking finds it.
    String line =
        "[ -e "
            + lk
            + " ] && echo lock; [ "
            + lk
            + " -nt "
            + pf
            + " ] && echo newer; if [ -f "
            + pf
            + " ]; then p=$(cat "
            + pf
            + "); echo \"pid $p\"; case $p in ''|*[!0-9]*) ;; *) if kill -0 \"$p\" 2>/dev/null"
            + " || [ -d \"/proc/$p\" ] || ps -p \"$p\" >/dev/null 2>&1; then echo alive; fi;;"
            + " esac; fi; true";
    ExecResult r = ctx.exec(line);
    if (!r.ok()) {
      throw new IOException(
          ctx.host() + ": cannot look for a lock " + db + ".lk: " + r.stderr().strip());
    }
    List<String> lines = r.stdout().lines().map(String::strip).toList();
    OptionalLong pid = OptionalLong.empty();
    boolean pidFile = false;
    for (String l : lines) {
      if (l.startsWith("pid")) {
        pidFile = true;
        String n = l.substring(3).strip();
        if (n.matches("[0-9]{1,18}")) {
          pid = OptionalLong.of(Long.parseLong(n));
        }
      }
    }
    return new Found(
        lines.contains("lock"), pidFile, pid, lines.contains("alive"), lines.contains("newer"));
  }

  /** Forgets a pid that is gone, and removes the lock it left when {@code lockToo}. */
  void clear(boolean lockToo) throws RemoteException, IOException {
    String line =
        "rm -f -- "
            + (lockToo ? ShellQuote.quote(db.file(".lk")) + " " : "")
            + ShellQuote.quote(pidFile());
    ExecResult r = ctx.exec(line);
    if (!r.ok()) {
      throw new IOException(ctx.host() + ": " + line + " failed: " + r.stderr().strip());
    }
  }

  /**
   * After PROREST returned: forgets its pid, and when a signal killed it (exit above 128; a PROREST
   * that exits by itself releases its lock) removes the lock it left. True if a lock was removed.
   */
  boolean afterProrest(int rc) throws RemoteException, IOException {
    String pf = ShellQuote.quote(pidFile());
    String lk = ShellQuote.quote(db.file(".lk"));
    String line =
        (rc > 128
                ? "if [ -e "
                    + lk
                    + " ] && [ "
                    + lk
                    + " -nt "
                    + pf
                    + " ]; then rm -f -- "
                    + lk
                    + " && echo removed; fi; "
                : "")
            + "rm -f -- "
            + pf;
    ExecResult r = ctx.exec(line);
    if (!r.ok()) {
      throw new IOException(
          ctx.host() + ": cannot clean up after prorest (" + line + "): " + r.stderr().strip());
    }
    return r.stdout().contains("removed");
  }
}

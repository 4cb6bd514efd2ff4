package dev.baton.modules;

import dev.baton.ssh.RemoteException;
import dev.baton.ssh.RemoteFiles;
import dev.baton.ssh.ShellQuote;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;

/**
 * Puts a stream into a temporary file beside its destination, so that the final step is an atomic
 * rename within one directory. The bytes go over SFTP as the login user; when the task runs as
 * another user (become), they land in a private staging file first and are copied into place by a
 * command run as that user, so the new file belongs to it, as in Ansible.
 */
final class Upload {
  private static final int CHUNK = 256 * 1024;
  private static final long REPORT_EVERY = 8L * 1024 * 1024;

  private final ModuleContext ctx;
  private final String module;

  Upload(ModuleContext ctx, String module) {
    this.ctx = ctx;
    this.module = module;
  }

  /** A temporary name in {@code dir} that nothing else uses. */
  static String tempBeside(String dest) {
    int slash = dest.lastIndexOf('/');
    String dir = slash < 0 ? "." : dest.substring(0, slash + 1);
    String base = dest.substring(slash + 1);
    return dir + ".baton." + base + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp";
  }

  /**
   * Writes {@code in} to {@code temp} with mode 0600 (the caller sets the final mode afterwards).
   * On failure nothing is left behind.
   */
  void write(InputStream in, long size, String temp, String label)
      throws RemoteException, TaskFailure {
    String taskUid = taskUidIfBecome();
    boolean become = taskUid != null;
    RemoteFiles files = ctx.remote().files();
    String target = become ? "/tmp/.baton-stage-" + UUID.randomUUID() : temp;
    try {
      try (OutputStream out = files.openWrite(target, false, 0600)) {
        stream(in, out, size, label);
      } catch (IOException e) {
        deleteQuietly(files, target);
        throw PathInfo.unwrap(e, module + ": cannot write " + target);
      }
      if (become) {
        if (!taskUid.equals("0")) {
          // An unprivileged become user cannot read the login user's private file; Ansible makes
          // its temp files readable in this case too, for the moment of the copy.
          chmod(files, target, 0644);
        }
        var r =
            ctx.exec(
                "cp -- "
                    + ShellQuote.quote(target)
                    + " "
                    + ShellQuote.quote(temp)
                    + " && chmod 0600 -- "
                    + ShellQuote.quote(temp));
        if (!r.ok()) {
          ctx.exec("rm -f -- " + ShellQuote.quote(temp));
          throw new TaskFailure(
              module
                  + ": cannot copy the staged file into place as the become user: "
                  + r.stderr().strip());
        }
      }
    } finally {
      if (become) {
        deleteQuietly(files, target);
      }
    }
  }

  private void stream(InputStream in, OutputStream out, long size, String label)
      throws IOException {
    byte[] buf = new byte[CHUNK];
    long done = 0;
    long next = REPORT_EVERY;
    for (int n; (n = in.read(buf)) > 0; ) {
      out.write(buf, 0, n);
      done += n;
      if (done >= next) {
        ctx.progress().update(label, done, size, "B");
        next = done + REPORT_EVERY;
      }
    }
    if (size >= REPORT_EVERY) {
      ctx.progress().update(label, done, size, "B");
    }
  }

  /**
   * The uid commands run as, when it differs from the SFTP session's (become): then files written
   * over SFTP would belong to the wrong user, and the destination may not be writable by the login
   * user. Null without become.
   */
  String taskUidIfBecome() throws RemoteException {
    var asTask = ctx.exec("id -u");
    var asLogin = ctx.remote().exec("id -u", dev.baton.ssh.ExecOptions.DEFAULT);
    String task = asTask.stdout().strip();
    boolean differs = asTask.ok() && asLogin.ok() && !task.equals(asLogin.stdout().strip());
    return differs ? task : null;
  }

  private void chmod(RemoteFiles files, String path, int mode) throws RemoteException, TaskFailure {
    try {
      files.chmod(path, mode);
    } catch (IOException e) {
      throw PathInfo.unwrap(e, module + ": cannot chmod " + path);
    }
  }

  /** Atomically replaces {@code dest} with {@code temp}; removes {@code temp} on failure. */
  void commit(String temp, String dest) throws RemoteException, TaskFailure {
    var r = ctx.exec("mv -f -- " + ShellQuote.quote(temp) + " " + ShellQuote.quote(dest));
    if (!r.ok()) {
      discard(temp);
      throw new TaskFailure(module + ": cannot rename into " + dest + ": " + r.stderr().strip());
    }
  }

  void discard(String temp) throws RemoteException {
    ctx.exec("rm -f -- " + ShellQuote.quote(temp));
  }

  private static void deleteQuietly(RemoteFiles files, String path) {
    try {
      files.delete(path);
    } catch (IOException e) {
      // Best effort: the failure being reported matters more than a stray temp file.
    }
  }
}

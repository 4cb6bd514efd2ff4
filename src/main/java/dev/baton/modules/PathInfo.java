package dev.baton.modules;

import dev.baton.ssh.FileStat;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * What is at a path on the host, read through {@link ModuleContext#exec} so that the task's become
 * applies (a root-only directory is visible to a become task). Uses {@code stat -c} (GNU and
 * BusyBox); on hosts without it, falls back to SFTP's stat as the login user.
 *
 * @param type "file", "directory", "link" or "other"
 * @param uid -1 when unknown
 * @param gid -1 when unknown
 * @param linkTarget the link's target as stored, or null when not a link
 */
record PathInfo(
    String path,
    String type,
    long size,
    int mode,
    long mtime,
    int uid,
    int gid,
    String owner,
    String group,
    String linkTarget) {

  boolean isFile() {
    return "file".equals(type);
  }

  boolean isDirectory() {
    return "directory".equals(type);
  }

  boolean isLink() {
    return "link".equals(type);
  }

  static Optional<PathInfo> probe(ModuleContext ctx, String path)
      throws RemoteException, TaskFailure {
    String q = ShellQuote.quote(path);
    var r =
        ctx.exec(
            "LC_ALL=C stat -c '%f|%s|%Y|%u|%g|%U|%G' -- "
                + q
                + " && if [ -h "
                + q
                + " ]; then readlink -- "
                + q
                + "; fi");
    if (r.ok()) {
      String[] lines = r.stdout().split("\n", 2);
      String[] f = lines[0].trim().split("\\|", -1);
      if (f.length == 7) {
        int raw = Integer.parseInt(f[0], 16);
        String target = lines.length > 1 ? lines[1].replaceAll("\n$", "") : null;
        return Optional.of(
            new PathInfo(
                path,
                typeOf(raw),
                Long.parseLong(f[1]),
                raw & 07777,
                Long.parseLong(f[2]),
                Integer.parseInt(f[3]),
                Integer.parseInt(f[4]),
                f[5],
                f[6],
                "link".equals(typeOf(raw)) ? target : null));
      }
    }
    String err = r.stderr().toLowerCase(Locale.ROOT);
    if (err.contains("no such file") || err.contains("not a directory")) {
      return Optional.empty();
    }
    if (err.contains("permission denied")) {
      throw new TaskFailure("cannot stat " + path + ": " + r.stderr().trim());
    }
    // No usable stat(1) on this host: ask the SFTP server instead.
    try {
      Optional<FileStat> s = ctx.remote().files().stat(path);
      return s.map(
          st ->
              new PathInfo(
                  path,
                  st.type(),
                  st.size(),
                  st.mode() & 07777,
                  st.mtimeEpochSeconds(),
                  -1,
                  -1,
                  st.owner(),
                  null,
                  null));
    } catch (IOException e) {
      throw unwrap(e, "cannot stat " + path);
    }
  }

  private static String typeOf(int raw) {
    return switch (raw & 0170000) {
      case 0100000 -> "file";
      case 0040000 -> "directory";
      case 0120000 -> "link";
      default -> "other";
    };
  }

  /**
   * Turns an SFTP failure into a task failure, except a dead session, which RemoteFiles reports as
   * an IOException caused by a RemoteException: that one must reach the engine as is.
   */
  static TaskFailure unwrap(IOException e, String what) throws RemoteException {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RemoteException re) {
        throw re;
      }
    }
    return new TaskFailure(what + ": " + describe(e));
  }

  /**
   * True when the server refused access: a java.nio AccessDeniedException, or the SFTP status
   * PERMISSION_DENIED anywhere in the cause chain (the SFTP layer passes it on as a plain
   * IOException).
   */
  static boolean permissionDenied(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.nio.file.AccessDeniedException
          || (t instanceof org.apache.sshd.sftp.common.SftpException s
              && s.getStatus()
                  == org.apache.sshd.sftp.common.SftpConstants.SSH_FX_PERMISSION_DENIED)) {
        return true;
      }
    }
    return false;
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    String kind = e.getClass().getSimpleName();
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file" + (m == null ? "" : " (" + m + ")");
    }
    if (permissionDenied(e)) {
      return "permission denied" + (m == null ? "" : " (" + m + ")");
    }
    return m == null ? kind : m;
  }
}

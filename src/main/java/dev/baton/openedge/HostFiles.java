package dev.baton.openedge;

import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Small file operations on a database host through POSIX shell commands rather than SFTP, so that
 * the task's {@code become} applies to them as it does to the utilities (database files usually
 * belong to a service user). Big files never pass through here.
 */
final class HostFiles {
  private static final int MISSING = 42;

  private final Utilities.Exec exec;
  private final String host;

  HostFiles(Utilities.Exec exec, String host) {
    this.exec = exec;
    this.host = host;
  }

  boolean isFile(String path) throws RemoteException {
    return run("test -f " + q(path)).ok();
  }

  boolean isDirectory(String path) throws RemoteException {
    return run("test -d " + q(path)).ok();
  }

  boolean exists(String path) throws RemoteException {
    return run("test -e " + q(path) + " || test -L " + q(path)).ok();
  }

  /** Size in bytes of a regular file, or empty when there is none. */
  Optional<Long> size(String path) throws RemoteException, IOException {
    ExecResult r = run("test -f " + q(path) + " || exit " + MISSING + "; wc -c < " + q(path));
    if (r.exitCode() == MISSING) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(check(r, "wc -c " + path).stdout().strip()));
    } catch (NumberFormatException e) {
      throw new IOException(host + ": wc -c " + path + " printed " + r.stdout().strip(), e);
    }
  }

  /** The text of a file, or empty when there is none. */
  Optional<String> read(String path) throws RemoteException, IOException {
    ExecResult r = run("test -f " + q(path) + " || exit " + MISSING + "; cat -- " + q(path));
    if (r.exitCode() == MISSING) {
      return Optional.empty();
    }
    return Optional.of(check(r, "cat " + path).stdout());
  }

  void write(String path, String text) throws RemoteException, IOException {
    ExecResult r =
        exec.exec(
            "cat > " + q(path),
            ExecOptions.DEFAULT.withStdin(text.getBytes(StandardCharsets.UTF_8)));
    check(r, "writing " + path);
  }

  void mkdirs(String path) throws RemoteException, IOException {
    check(run("mkdir -p -- " + q(path)), "mkdir -p " + path);
  }

  void delete(String path) throws RemoteException, IOException {
    check(run("rm -f -- " + q(path)), "rm -f " + path);
  }

  private ExecResult run(String line) throws RemoteException {
    return exec.exec(line, ExecOptions.DEFAULT);
  }

  private ExecResult check(ExecResult r, String what) throws IOException {
    if (!r.ok()) {
      throw new IOException(
          host + ": " + what + " failed (exit " + r.exitCode() + "): " + r.stderr().strip());
    }
    return r;
  }

  private static String q(String s) {
    return ShellQuote.quote(s);
  }
}

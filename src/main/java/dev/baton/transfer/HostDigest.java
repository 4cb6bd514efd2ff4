package dev.baton.transfer;

import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SHA-256 of a file computed on the host that holds it (openssl or sha256sum), so that verification
 * reads the bytes the disk really has rather than the bytes baton sent.
 */
public final class HostDigest {
  private static final Pattern HEX = Pattern.compile("\\b([0-9a-f]{64})\\b");

  /**
   * Sets the positional parameters to the host's fastest SHA-256 of standard input: {@code openssl
   * dgst -sha256 -r} first (libcrypto uses the CPU's SHA extensions: 1.1 GB/s on the bench machine
   * where coreutils' portable {@code sha256sum} does 225 MB/s), else GNU {@code sha256sum}, else
   * {@code shasum -a 256} (macOS, BSD); exit 127 when none exists. All three print the digest as
   * the first word. The tool is chosen before any byte is read.
   */
  private static final String SELECT =
      "if command -v openssl >/dev/null 2>&1; then set -- openssl dgst -sha256 -r;"
          + " elif command -v sha256sum >/dev/null 2>&1; then set -- sha256sum;"
          + " elif command -v shasum >/dev/null 2>&1; then set -- shasum -a 256;"
          + " else echo 'no openssl, sha256sum or shasum' >&2; exit 127; fi";

  /** A SHA-256 of standard input with the best tool the host has (see {@link #SELECT}). */
  public static final String TOOL = "{ " + SELECT + "; \"$@\"; }";

  /**
   * Whether the host has one of the tools of {@link #SELECT} (which exits 127 without one): one
   * round trip, asked before a relay decides whether it must digest the bytes it streams itself.
   */
  static boolean available(Remote remote) throws RemoteException {
    return remote.exec(SELECT, ExecOptions.DEFAULT).exitCode() == 0;
  }

  /** The command line that prints the SHA-256 of a file. */
  public static String commandFor(String path) {
    return TOOL + " < " + ShellQuote.quote(path);
  }

  private HostDigest() {}

  /**
   * What one digest command gave: the digest, or why there is none.
   *
   * @param unavailable true when the host has no {@code sha256sum} (exit 127), which is not an
   *     error for optional comparisons
   */
  record Result(Optional<String> sha256, boolean unavailable, String error) {
    String describe() {
      return sha256.orElse(error);
    }
  }

  /** Digest of the whole file. */
  static Result whole(Remote remote, String path) throws RemoteException {
    return run(remote, commandFor(path));
  }

  /**
   * Digest of the whole file by a process whose pid is kept in {@code pidFile} while it runs, so
   * that {@link #stop} can end it: a transfer that fails must not leave a full read of a 100 GB
   * file running on a production host.
   */
  static Result wholeStoppable(Remote remote, String path, String pidFile) throws RemoteException {
    String pid = ShellQuote.quote(pidFile);
    return run(
        remote,
        SELECT
            + "; \"$@\" < "
            + ShellQuote.quote(path)
            + " & echo $! > "
            + pid
            + "; wait $!; rc=$?; rm -f "
            + pid
            + "; exit $rc");
  }

  /** Ends a digest started by {@link #wholeStoppable}, if it still runs. */
  static void stop(Remote remote, String pidFile) throws RemoteException {
    String pid = ShellQuote.quote(pidFile);
    remote.exec(
        "test -f " + pid + " && kill \"$(cat " + pid + ")\" 2>/dev/null; rm -f " + pid,
        dev.baton.ssh.ExecOptions.DEFAULT);
  }

  /** Digest of the first {@code length} bytes. */
  static Result prefix(Remote remote, String path, long length) throws RemoteException {
    return run(remote, "head -c " + length + " < " + ShellQuote.quote(path) + " | " + TOOL);
  }

  /** Digest of everything from byte {@code offset} (0-based) to the end. */
  static Result suffix(Remote remote, String path, long offset) throws RemoteException {
    if (offset == 0) {
      return whole(remote, path);
    }
    return run(remote, "tail -c +" + (offset + 1) + " < " + ShellQuote.quote(path) + " | " + TOOL);
  }

  private static Result run(Remote remote, String line) throws RemoteException {
    ExecResult r = remote.exec(line, ExecOptions.DEFAULT);
    if (r.exitCode() == 127) {
      return new Result(
          Optional.empty(), true, remote.host() + ": no openssl, sha256sum or shasum found");
    }
    Matcher m = HEX.matcher(r.stdout());
    if (r.exitCode() != 0 || !m.find()) {
      String why = r.stderr().isBlank() ? r.stdout().strip() : r.stderr().strip();
      return new Result(
          Optional.empty(),
          false,
          remote.host() + ": `" + line + "` exited " + r.exitCode() + ": " + why);
    }
    return new Result(Optional.of(m.group(1)), false, null);
  }
}

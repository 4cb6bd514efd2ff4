package dev.baton.transfer;

import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.FileStat;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The source host sends the file itself: {@code tail -c +N src | ssh dest 'cat >> part'} runs on
 * the source (or, for the ranges of several streams, one {@code dd | ssh dest dd} per range), so
 * the bytes never pass through baton. Needs an ssh client on the source host that logs in to the
 * destination without a prompt (key, agent; BatchMode) and knows its host key.
 */
final class DirectPush {
  private DirectPush() {}

  /** The command line run on the source host. */
  static String commandLine(TransferRequest req, String part, long offset) {
    String remote = (offset > 0 ? "cat >> " : "cat > ") + ShellQuote.quote(part);
    return "tail -c +"
        + (offset + 1)
        + " < "
        + ShellQuote.quote(req.sourcePath())
        + " | "
        + ShellQuote.join(ssh(req, remote));
  }

  /** Ranges of a direct transfer are whole blocks of this size (dd's bs), but the file's last. */
  static final long BLOCK = 1 << 20;

  /** Exit status of {@link #rangeCommandLine} when reading the range on the source failed. */
  static final int READ_FAILED = 97;

  /**
   * The command line run on the source host for one range (whole {@link #BLOCK}s from a block
   * boundary): {@code dd} reads it, the source's ssh client writes it at the same offset of the
   * part with {@code dd conv=notrunc} (POSIX dd on both hosts). A POSIX pipeline's status is its
   * last command's, so the reading dd's status goes through a file: a range whose read failed is
   * never recorded as moved.
   */
  static String rangeCommandLine(TransferRequest req, String part, RangeLog.Range r) {
    if (r.offset() % BLOCK != 0) {
      throw new IllegalArgumentException("range at " + r.offset() + " is not on a 1 MiB block");
    }
    long first = r.offset() / BLOCK;
    long blocks = (r.length() + BLOCK - 1) / BLOCK;
    String rc = ShellQuote.quote("/tmp/baton-range-" + java.util.UUID.randomUUID() + ".rc");
    String remote =
        "dd of=" + ShellQuote.quote(part) + " bs=" + BLOCK + " seek=" + first + " conv=notrunc";
    return "{ dd if="
        + ShellQuote.quote(req.sourcePath())
        + " bs="
        + BLOCK
        + " skip="
        + first
        + " count="
        + blocks
        + "; echo $? > "
        + rc
        + "; } | "
        + ShellQuote.join(ssh(req, remote))
        + "; s=$?; r=$(cat "
        + rc
        + " 2>/dev/null); rm -f "
        + rc
        + "; [ \"$r\" = 0 ] || exit "
        + READ_FAILED
        + "; exit $s";
  }

  /** Moves one range by {@link #rangeCommandLine}; a failure names the host, range and why. */
  static void pushRange(TransferRequest req, String part, RangeLog.Range r)
      throws IOException, RemoteException {
    String line = rangeCommandLine(req, part, r);
    ExecResult res = req.source().exec(line, ExecOptions.DEFAULT);
    if (!res.ok()) {
      String why =
          res.exitCode() == READ_FAILED
              ? "reading " + req.sourcePath() + " failed"
              : "sending to " + req.peer().address() + " failed (exit " + res.exitCode() + ")";
      String err = res.stderr().strip();
      throw new IOException(
          req.source().host()
              + ": bytes "
              + r.offset()
              + ".."
              + r.end()
              + ": "
              + why
              + (err.isEmpty() ? "" : ": " + err.lines().reduce((a, b) -> b).orElse("")));
    }
  }

  /** The source's ssh client words that reach the destination and run {@code remote} there. */
  private static List<String> ssh(TransferRequest req, String remote) {
    TransferRequest.DirectPeer peer = req.peer();
    if (peer == null || peer.address() == null || peer.address().isBlank()) {
      throw new IllegalArgumentException("direct transfer needs the destination's address");
    }
    List<String> ssh = new ArrayList<>(List.of("ssh", "-o", "BatchMode=yes"));
    if (peer.port() > 0) {
      ssh.add("-p");
      ssh.add(Integer.toString(peer.port()));
    }
    ssh.addAll(peer.sshOptions());
    if (peer.user() != null && !peer.user().isBlank()) {
      ssh.add("-l");
      ssh.add(peer.user());
    }
    ssh.add(peer.address());
    ssh.add(remote);
    return ssh;
  }

  static void push(
      TransferRequest req,
      String part,
      long offset,
      long size,
      ProgressMeter meter,
      ExecutorService pool)
      throws TransferFailed, RemoteException, InterruptedException {
    String line = commandLine(req, part, offset);
    Future<ExecResult> running = pool.submit(() -> req.source().exec(line, ExecOptions.DEFAULT));
    ExecResult r;
    while (true) {
      try {
        r = running.get(1, TimeUnit.SECONDS);
        break;
      } catch (TimeoutException e) {
        Optional<FileStat> p = Transfers.stat(req.destination().files(), req.destination(), part);
        p.ifPresent(s -> meter.update(s.size(), false));
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof RemoteException re) {
          throw re;
        }
        throw new TransferFailed("direct push failed: " + e.getCause(), e.getCause());
      }
    }
    if (!r.ok()) {
      throw new TransferFailed(
          req.source().host()
              + ": `"
              + line
              + "` exited "
              + r.exitCode()
              + ": "
              + r.stderr().strip()
              + " ("
              + part
              + " kept for resume)");
    }
    meter.update(size, true);
  }
}

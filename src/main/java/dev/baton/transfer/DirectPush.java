package dev.baton.transfer;

import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.FileStat;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The source host sends the file itself: {@code tail -c +N src | ssh dest 'cat >> part'} runs on
 * the source, so the bytes never pass through baton. Needs an ssh client on the source host that
 * logs in to the destination without a prompt (key, agent; BatchMode) and knows its host key.
 */
final class DirectPush {
  private DirectPush() {}

  /** The command line run on the source host. */
  static String commandLine(TransferRequest req, String part, long offset) {
    TransferRequest.DirectPeer peer = req.peer();
    if (peer == null || peer.address() == null || peer.address().isBlank()) {
      throw new IllegalArgumentException("direct transfer needs the destination's address");
    }
    String remote = (offset > 0 ? "cat >> " : "cat > ") + ShellQuote.quote(part);
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
    return "tail -c +"
        + (offset + 1)
        + " < "
        + ShellQuote.quote(req.sourcePath())
        + " | "
        + ShellQuote.join(ssh);
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

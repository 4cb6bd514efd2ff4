package dev.baton.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * One exec request run as {@code /bin/sh -c <line>}, as OpenSSH's sshd does, so that quoting, pipes
 * and redirections mean what they mean on a real host. MINA's own ProcessShellCommandFactory splits
 * the line on spaces instead.
 */
final class ShellCommand implements Command {
  private final String line;
  private final Path home;
  private final Map<String, String> environment;
  private final ExecutorService pool;
  private final Set<ShellCommand> running;

  private InputStream in;
  private OutputStream out;
  private OutputStream err;
  private ExitCallback exit;
  private volatile Process process;

  ShellCommand(
      String line,
      Path home,
      Map<String, String> environment,
      ExecutorService pool,
      Set<ShellCommand> running) {
    this.line = line;
    this.home = home;
    this.environment = environment;
    this.pool = pool;
    this.running = running;
  }

  @Override
  public void setInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback exit) {
    this.exit = exit;
  }

  @Override
  public void start(ChannelSession channel, Environment env) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(List.of("/bin/sh", "-c", line));
    builder.directory(home.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process started = builder.start();
    process = started;
    running.add(this);
    CompletableFuture<Void> stdout =
        CompletableFuture.runAsync(() -> pump(started.getInputStream(), out), pool);
    CompletableFuture<Void> stderr =
        CompletableFuture.runAsync(() -> pump(started.getErrorStream(), err), pool);
    pool.execute(() -> feedStdin(started));
    pool.execute(
        () -> {
          int status;
          try {
            status = started.waitFor();
            CompletableFuture.allOf(stdout, stderr).join();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree();
            return;
          } finally {
            running.remove(this);
          }
          exit.onExit(status);
        });
  }

  private void feedStdin(Process started) {
    // Flush every chunk: the process's stdin is buffered, and an interactive reader (sudo's
    // password prompt) must see a line as soon as the client sent it.
    try (OutputStream toProcess = started.getOutputStream()) {
      byte[] buffer = new byte[32 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        toProcess.write(buffer, 0, n);
        toProcess.flush();
      }
    } catch (IOException e) {
      // The process closed its stdin or the channel went away: nothing more to feed.
    }
  }

  private static void pump(InputStream from, OutputStream to) {
    byte[] buffer = new byte[32 * 1024];
    try (from) {
      int n;
      while ((n = from.read(buffer)) >= 0) {
        to.write(buffer, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      // The channel closed under us; the process is being killed by destroy().
    }
  }

  /** Kills the command and everything it started, children first so none gets reparented. */
  void killTree() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  @Override
  public void destroy(ChannelSession channel) {
    killTree();
    running.remove(this);
  }
}

package dev.baton.ssh;

import dev.baton.ssh.RemoteException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The machine baton runs on, for {@code ansible_connection=local}: commands run as {@code /bin/sh
 * -c <line>} in the user's home directory, exactly as they would through SSH (same quoting, same
 * env prefix, same sudo handling), and files are plain java.nio.
 */
public final class LocalRemote implements Remote {
  private final String host;
  private final Path workDir;
  private final ExecutorService workers;

  /** A local "host" known in the inventory as {@code inventoryName}. */
  public LocalRemote(String inventoryName) {
    this(inventoryName, Path.of(System.getProperty("user.home")));
  }

  /** As {@link #LocalRemote(String)}, running commands in {@code workDir}. */
  public LocalRemote(String inventoryName, Path workDir) {
    this.host = inventoryName;
    this.workDir = workDir;
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "baton-local-" + inventoryName);
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public ExecResult exec(String commandLine, ExecOptions options) throws RemoteException {
    String brief = CommandLine.brief(commandLine);
    CommandLine line;
    try {
      line = CommandLine.of(commandLine, options);
    } catch (IllegalArgumentException e) {
      throw new RemoteException(
          Kind.OTHER, host, host + ": " + e.getMessage() + " (command: " + brief + ")");
    }
    Process process;
    try {
      process =
          new ProcessBuilder("/bin/sh", "-c", line.line()).directory(workDir.toFile()).start();
    } catch (IOException e) {
      throw new RemoteException(
          Kind.OTHER,
          host,
          host + ": cannot start /bin/sh for: " + brief + ": " + e.getMessage(),
          e);
    }
    CommandIo io = new CommandIo(line, () -> killTree(process));
    CompletableFuture<Void> out =
        CompletableFuture.runAsync(() -> pump(process.getInputStream(), io.stdout()), workers);
    CompletableFuture<Void> err =
        CompletableFuture.runAsync(() -> pump(process.getErrorStream(), io.stderr()), workers);
    CompletableFuture<Void> feeding =
        CompletableFuture.runAsync(() -> io.feed(process.getOutputStream(), options), workers);
    try {
      boolean ended =
          options.timeout() == null
              ? waitFor(process)
              : process.waitFor(Math.max(1, options.timeout().toMillis()), TimeUnit.MILLISECONDS);
      if (!ended) {
        killTree(process);
        io.finished();
        throw new RemoteException(
            Kind.COMMAND_TIMEOUT,
            host,
            host + ": command ran longer than " + options.timeout() + " and was stopped: " + brief);
      }
      CompletableFuture.allOf(out, err).join();
      io.finished();
      CommandIo.awaitQuietly(feeding);
      if (io.refusedPassword()) {
        throw new RemoteException(
            Kind.OTHER,
            host,
            host
                + ": sudo refused the become password for user "
                + options.become().user()
                + " (command: "
                + brief
                + ")");
      }
      return new ExecResult(process.exitValue(), io.stdoutText(), io.stderrText());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killTree(process);
      throw new RemoteException(
          Kind.OTHER, host, host + ": interrupted while running: " + brief, e);
    }
  }

  private static boolean waitFor(Process process) throws InterruptedException {
    process.waitFor();
    return true;
  }

  private static void pump(InputStream from, OutputStream to) {
    byte[] buffer = new byte[64 * 1024];
    try (from) {
      int n;
      while ((n = from.read(buffer)) >= 0) {
        to.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // The process was killed; what it wrote so far is kept.
    }
  }

  private static void killTree(Process process) {
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  @Override
  public RemoteFiles files() {
    return new LocalFiles();
  }

  @Override
  public Remote another() {
    return new LocalRemote(host, workDir);
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }

  @Override
  public String toString() {
    return "LocalRemote[" + host + "]";
  }
}

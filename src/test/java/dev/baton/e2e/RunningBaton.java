package dev.baton.e2e;

import dev.baton.testing.Baton;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A baton process a test watches while it runs, to inject a fault at a known step ("TASK [Move the
 * backup to the primary]" printed). Always {@link #close()} it: a run still going is killed.
 */
final class RunningBaton implements AutoCloseable {
  private final Process process;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Thread outPump;
  private final Thread errPump;

  RunningBaton(Process process) {
    this.process = process;
    this.outPump = pump(process.getInputStream(), out);
    this.errPump = pump(process.getErrorStream(), err);
  }

  long pid() {
    return process.pid();
  }

  String stdout() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /** Waits until stdout contains {@code text}; fails if the run ends or time runs out first. */
  void awaitOutput(String text, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!stdout().contains(text)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "baton ended (exit "
                + process.exitValue()
                + ") before printing "
                + text
                + ":\n"
                + all());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "baton did not print " + text + " within " + limit + ":\n" + all());
      }
      Thread.sleep(20);
    }
  }

  /** SIGKILL, as a crashed jump host or an OOM killer would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Waits for the end of the run. */
  Baton.Result await(Duration limit) throws IOException, InterruptedException {
    if (!process.waitFor(limit.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
      close();
      throw new IOException("baton did not finish in " + limit + ":\n" + all());
    }
    outPump.join();
    errPump.join();
    synchronized (out) {
      synchronized (err) {
        return new Baton.Result(
            process.exitValue(),
            out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8));
      }
    }
  }

  private String all() {
    synchronized (err) {
      return stdout() + err.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try {
                for (int n; (n = in.read(buf)) > 0; ) {
                  synchronized (sink) {
                    sink.write(buf, 0, n);
                  }
                }
              } catch (IOException ignored) {
                // The process ended; what was read is kept.
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }
}

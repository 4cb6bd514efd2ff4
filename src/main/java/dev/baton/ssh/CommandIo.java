package dev.baton.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The standard streams of one running command, for SSH channels and local processes alike. It
 * collects stdout and stderr, and when sudo needs a password it watches stderr for this command's
 * own prompt, answers it once on stdin, strips the prompt and the ready marker from the output, and
 * stops the command when sudo asks again (wrong password) instead of letting it hang.
 */
final class CommandIo {
  private enum Gate {
    PROMPT,
    READY,
    CLOSED
  }

  private final CommandLine line;
  private final Runnable stop;
  private final CompletableFuture<Gate> gate = new CompletableFuture<>();
  private final CompletableFuture<Gate> afterPassword = new CompletableFuture<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private volatile boolean refusedPassword;
  private int prompts;

  CommandIo(CommandLine line, Runnable stop) {
    this.line = line;
    this.stop = stop;
  }

  OutputStream stdout() {
    return new Sink() {
      @Override
      public void write(byte[] b, int off, int len) {
        onStdout(b, off, len);
      }
    };
  }

  OutputStream stderr() {
    return new Sink() {
      @Override
      public void write(byte[] b, int off, int len) {
        onStderr(b, off, len);
      }
    };
  }

  private abstract static class Sink extends OutputStream {
    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public abstract void write(byte[] b, int off, int len);
  }

  private synchronized void onStdout(byte[] b, int off, int len) {
    out.write(b, off, len);
    if (line.ready() != null
        && !afterPassword.isDone()
        && out.toString(StandardCharsets.ISO_8859_1).startsWith(line.ready() + "\n")) {
      gate.complete(Gate.READY);
      afterPassword.complete(Gate.READY);
    }
  }

  private synchronized void onStderr(byte[] b, int off, int len) {
    err.write(b, off, len);
    if (line.prompt() == null) {
      return;
    }
    int seen = count(err.toString(StandardCharsets.ISO_8859_1), line.prompt());
    if (seen > prompts) {
      prompts = seen;
      if (prompts == 1) {
        gate.complete(Gate.PROMPT);
      } else {
        refusedPassword = true;
        afterPassword.complete(Gate.CLOSED);
        stop.run();
      }
    }
  }

  /**
   * Writes stdin, then EOF. With a become password: first waits until sudo prompts (then answers)
   * or lets the command through without asking (cached credentials, NOPASSWD).
   */
  void feed(OutputStream in, ExecOptions options) {
    try (in) {
      if (line.prompt() != null) {
        Gate first = gate.get();
        if (first == Gate.CLOSED) {
          return;
        }
        if (first == Gate.PROMPT) {
          in.write((options.become().password() + "\n").getBytes(StandardCharsets.UTF_8));
          in.flush();
          if (afterPassword.get() != Gate.READY) {
            return;
          }
        }
      }
      if (options.stdin().length > 0) {
        in.write(options.stdin());
      }
    } catch (IOException | ExecutionException e) {
      // The command went away; the waiting side reports why.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The command ended (or was stopped): nothing waits for sudo any more. */
  void finished() {
    gate.complete(Gate.CLOSED);
    afterPassword.complete(Gate.CLOSED);
  }

  boolean refusedPassword() {
    return refusedPassword;
  }

  synchronized String stdoutText() {
    String text = out.toString(StandardCharsets.UTF_8);
    if (line.ready() != null && text.startsWith(line.ready() + "\n")) {
      text = text.substring(line.ready().length() + 1);
    }
    return text;
  }

  synchronized String stderrText() {
    String text = err.toString(StandardCharsets.UTF_8);
    return line.prompt() == null ? text : text.replace(line.prompt(), "");
  }

  static void awaitQuietly(CompletableFuture<Void> feeding) {
    try {
      feeding.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | CancellationException e) {
      // Feeding failures surface as the command's own outcome.
    }
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }
}

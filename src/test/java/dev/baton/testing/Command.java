package dev.baton.testing;

import dev.baton.ssh.ExecResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a local program to completion with a deadline; the harness's only way to call tools. */
final class Command {
  private Command() {}

  /** Runs argv with no stdin and returns what it left; kills it (and its children) on timeout. */
  static ExecResult run(Duration timeout, List<String> argv) {
    Process process;
    try {
      process = new ProcessBuilder(resolve(argv)).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", argv), e);
    }
    try {
      process.getOutputStream().close();
      CompletableFuture<String> out = drain(process.getInputStream());
      CompletableFuture<String> err = drain(process.getErrorStream());
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException(
            "timed out after " + timeout.toSeconds() + " s: " + String.join(" ", argv));
      }
      // A background child that inherited stdout would keep the pipe open forever.
      return new ExecResult(
          process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted: " + String.join(" ", argv), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "reading output of " + String.join(" ", argv) + " (a child kept it open?)", e);
    }
  }

  /** Runs argv and insists on exit status 0; the error names the command and its stderr. */
  static String check(Duration timeout, List<String> argv) {
    ExecResult result = run(timeout, argv);
    if (!result.ok()) {
      throw new IllegalStateException(
          String.join(" ", argv)
              + " exited "
              + result.exitCode()
              + ": "
              + result.stderr().strip()
              + result.stdout().strip());
    }
    return result.stdout();
  }

  static String check(String... argv) {
    return check(Duration.ofSeconds(30), List.of(argv));
  }

  /**
   * Finds a program on PATH or in the sbin directories, which a root shell without a login
   * environment may lack from PATH ({@code ip}, {@code sshd}); null when it is nowhere.
   */
  static Path which(String program) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Path.of(dir, program);
      }
    }
    return null;
  }

  private static List<String> resolve(List<String> argv) {
    if (argv.isEmpty() || argv.get(0).contains("/")) {
      return argv;
    }
    Path program = which(argv.get(0));
    if (program == null) {
      return argv; // let ProcessBuilder report it
    }
    List<String> resolved = new ArrayList<>(argv);
    resolved.set(0, program.toString());
    return resolved;
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.completeExceptionally(e);
              }
            },
            "command-output");
    reader.setDaemon(true);
    reader.start();
    return text;
  }

  /** Runs argv; a failure is added to problems instead of thrown (cleanup goes on). */
  static void attempt(List<String> problems, String... argv) {
    ExecResult result = run(Duration.ofSeconds(30), List.of(argv));
    if (!result.ok()) {
      problems.add(String.join(" ", argv) + ": " + result.stderr().strip());
    }
  }
}

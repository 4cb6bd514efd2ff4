package dev.baton.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A temporary "host" for simulator tests: a DLC installed from target/classes and a working
 * directory; runs the installed launchers as a user would type them, and on close stops every
 * broker and background process it started and deletes everything.
 */
final class SimHost implements AutoCloseable {
  final Path root;
  final Path dlc;
  private final List<Process> background = new ArrayList<>();
  private final Map<String, String> env = new HashMap<>();

  /** What a utility printed and returned. */
  record Result(int exit, List<String> out, String err) {
    boolean has(String fragment) {
      return out.stream().anyMatch(l -> l.contains(fragment));
    }

    String text() {
      return String.join("\n", out) + (err.isEmpty() ? "" : "\n[stderr] " + err);
    }
  }

  SimHost() throws IOException {
    root = Files.createTempDirectory("baton-sim-");
    dlc = SimInstaller.install(root.resolve("dlc"));
    env.put("DLC", dlc.toString());
    env.put("PATH", dlc.resolve("bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/bin"));
    env.put("BATON_SIM_JAVA", ProcessHandle.current().info().command().orElse("java"));
  }

  Path dir(String name) throws IOException {
    return Files.createDirectories(root.resolve(name));
  }

  Result run(Path cwd, String... cmd) throws IOException, InterruptedException {
    return run(cwd, null, Map.of(), cmd);
  }

  /** Runs a utility; stdin is closed (EOF) when {@code input} is null. */
  Result run(Path cwd, String input, Map<String, String> extraEnv, String... cmd)
      throws IOException, InterruptedException {
    Process p = builder(cwd, extraEnv, cmd).start();
    try (OutputStream in = p.getOutputStream()) {
      if (input != null) {
        in.write(input.getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] err;
    byte[] out;
    try (InputStream es = p.getErrorStream();
        InputStream os = p.getInputStream()) {
      byte[][] errHolder = new byte[1][];
      Thread t = new Thread(() -> errHolder[0] = readAll(es));
      t.start();
      out = os.readAllBytes();
      t.join();
      err = errHolder[0];
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + Arrays.toString(cmd));
    }
    String o = new String(out, StandardCharsets.UTF_8);
    return new Result(
        p.exitValue(),
        o.isEmpty() ? List.of() : List.of(o.split("\n")),
        new String(err, StandardCharsets.UTF_8).strip());
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** Starts a long-running utility (a writer); stopped by {@link #close}. */
  Process start(Path cwd, String... cmd) throws IOException {
    ProcessBuilder pb = builder(cwd, Map.of(), cmd);
    pb.redirectOutput(root.resolve("bg-" + background.size() + ".out").toFile());
    pb.redirectError(root.resolve("bg-" + background.size() + ".err").toFile());
    Process p = pb.start();
    background.add(p);
    return p;
  }

  private ProcessBuilder builder(Path cwd, Map<String, String> extraEnv, String... cmd) {
    List<String> c = new ArrayList<>(Arrays.asList(cmd));
    c.set(0, dlc.resolve("bin").resolve(cmd[0]).toString());
    ProcessBuilder pb = new ProcessBuilder(c);
    pb.directory(cwd.toFile());
    pb.environment().putAll(env);
    pb.environment().putAll(extraEnv);
    return pb;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops background processes, then every broker found through a lock file, then deletes. */
  @Override
  public void close() throws IOException {
    for (Process p : background) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : background) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path lk : files.filter(f -> f.toString().endsWith(".lk")).toList()) {
        String name = lk.getFileName().toString();
        DbPath db = new DbPath(lk.getParent(), name.substring(0, name.length() - 3));
        LockFile.read(db)
            .filter(l -> l.pid() > 0 && l.pid() != ProcessHandle.current().pid())
            .flatMap(l -> ProcessHandle.of(l.pid()))
            .ifPresent(
                ph -> {
                  ph.destroyForcibly();
                  try {
                    ph.onExit().get(10, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    // best effort; the directory is removed anyway
                  }
                });
      }
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}

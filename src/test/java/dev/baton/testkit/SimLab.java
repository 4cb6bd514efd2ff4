package dev.baton.testkit;

import dev.baton.sim.SimInstaller;
import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.Remote;
import dev.baton.ssh.ShellQuote;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Two OpenEdge "sites" on this machine for module tests: the simulator installed as a DLC, a
 * directory per host ({@code secondary}, {@code primary}), a {@link LocalRemote} per host and the
 * host variables ({@code openedge_dlc}). {@link #close} stops every simulator process started from
 * this lab's DLC (by pid) and deletes everything.
 */
public final class SimLab implements AutoCloseable {
  public final Path root;
  public final Path dlc;
  private final Map<String, String> env = simEnv();
  private final Map<String, Remote> remotes = new java.util.HashMap<>();

  public SimLab() throws IOException {
    root = Files.createTempDirectory("baton-oe-lab-");
    dlc = SimInstaller.install(root.resolve("dlc"));
  }

  /** What a host's environment needs for the simulator's launchers to find a JVM. */
  public static Map<String, String> simEnv() {
    return Map.of("BATON_SIM_JAVA", ProcessHandle.current().info().command().orElse("java"));
  }

  /** Modules reach {@code host} through this connection (an SSH session) instead of a shell. */
  public SimLab use(String host, Remote remote) {
    remotes.put(host, remote);
    return this;
  }

  /** The directory of a host's databases, created on first use. */
  public Path dir(String host) throws IOException {
    return Files.createDirectories(root.resolve(host));
  }

  public Remote remote(String host) {
    return remotes.getOrDefault(host, new LocalRemote(host, env));
  }

  public Map<String, Object> vars() {
    return Map.of("openedge_dlc", dlc.toString());
  }

  /** A context on {@code host} that also knows the other host. */
  public TestContext context(String host, String other) {
    return new TestContext(host, remote(host), vars()).addHost(other, remote(other), vars());
  }

  /** Runs a utility in {@code dir} as a user would type it; fails the test if it cannot start. */
  public ExecResult run(Path dir, String stdin, String... argv) throws Exception {
    String line =
        "cd "
            + ShellQuote.quote(dir.toString())
            + " && PATH="
            + ShellQuote.quote(dlc.resolve("bin").toString())
            + ":\"$PATH\" DLC="
            + ShellQuote.quote(dlc.toString())
            + " "
            + ShellQuote.join(List.of(argv));
    ExecOptions o = ExecOptions.DEFAULT;
    if (stdin != null) {
      o = o.withStdin(stdin.getBytes(StandardCharsets.UTF_8));
    }
    return remote("setup").exec(line, o);
  }

  /** As {@link #run}, failing with the utility's output unless it exits 0. */
  public ExecResult ok(Path dir, String... argv) throws Exception {
    ExecResult r = run(dir, null, argv);
    if (!r.ok()) {
      throw new AssertionError(
          String.join(" ", argv) + " exited " + r.exitCode() + ": " + r.stdout() + r.stderr());
    }
    return r;
  }

  /** A new database with a few records, after-imaging on, enabled as a replication source. */
  public void sourceDb(Path dir, String name) throws Exception {
    ok(dir, "prodb", name);
    ok(dir, "oesim", "write", name, "k1", "v1");
    ok(dir, "oesim", "write", name, "k2", "v2");
    ok(dir, "rfutil", name, "-C", "mark", "backedup");
    ok(dir, "rfutil", name, "-C", "aimage", "begin");
    ok(dir, "proutil", name, "-C", "enableSiteReplication", "source");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException {
    String mine = dlc.toString();
    List<ProcessHandle> procs = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(mine)).orElse(false))
        .forEach(procs::add);
    for (ProcessHandle p : procs) {
      p.destroyForcibly();
    }
    for (ProcessHandle p : procs) {
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // best effort; the directory is removed anyway
      }
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}

package dev.baton.lab;

import dev.baton.sim.SimInstaller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The embedded lab: site pairs of simulated OpenEdge machines, each an in-process SSH server (its
 * own loopback address, host key, home, data directory and simulator install), in the state a
 * failback starts from: the secondary's database is the replication source and is serving
 * production; the primary holds the stale old database from before the failover.
 *
 * <p>Everything lives under one state directory: {@code keys/} (the client key), {@code
 * known_hosts}, {@code inventory.ini}, and {@code hosts/<name>/} per host.
 */
public final class EmbeddedLab implements AutoCloseable {
  /** The database name used on both sides of every pair. */
  public static final String DB_NAME = "sports";

  /** One simulated machine of the lab. */
  public record LabHost(
      String name, String role, int pair, EmbeddedSshHost ssh, Path dir, Path dlc, int dbPort) {
    public Path dbDir() {
      return dir.resolve("db");
    }

    /** The database path without the .db suffix, as the utilities take it. */
    public Path db() {
      return dbDir().resolve(DB_NAME);
    }
  }

  private final Path state;
  private final List<LabHost> hosts = new ArrayList<>();
  private final String javaCommand;

  private EmbeddedLab(Path state) {
    this.state = state;
    this.javaCommand = ProcessHandle.current().info().command().orElse("java");
  }

  /**
   * Starts {@code pairs} site pairs under {@code state} (created if missing; an earlier lab there
   * is replaced). Returns once every host answers SSH and the secondaries serve their sources.
   */
  /** The mistake built into this lab's pairs, if any. */
  private LabBreak broken = LabBreak.NONE;

  public static EmbeddedLab start(Path state, int pairs, long sourceBytes) throws IOException {
    return start(state, pairs, sourceBytes, LabBreak.NONE);
  }

  /** As {@link #start(Path, int, long)}, with one of the field's mistakes built into every pair. */
  public static EmbeddedLab start(Path state, int pairs, long sourceBytes, LabBreak broken)
      throws IOException {
    if (pairs < 1 || pairs > 200) {
      throw new IllegalArgumentException("a lab has 1 to 200 site pairs, not " + pairs);
    }
    EmbeddedLab lab = new EmbeddedLab(state);
    try {
      lab.build(pairs, sourceBytes, broken);
      return lab;
    } catch (IOException | RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  private void build(int pairs, long sourceBytes, LabBreak broken) throws IOException {
    this.broken = broken;
    Path hostsDir = state.resolve("hosts");
    if (Files.exists(hostsDir)) {
      stopLeftovers(hostsDir);
      deleteTree(hostsDir);
    }
    Files.createDirectories(state.resolve("keys"));
    Path key = state.resolve("keys").resolve("id_ed25519");
    KeyPair client =
        Files.exists(key) ? SshKeys.readKeyPair(key) : SshKeys.generateEd25519(key, "baton-lab");
    for (int p = 1; p <= pairs; p++) {
      for (String role : List.of("primary", "secondary")) {
        String name = pairs == 1 ? role : "site" + p + "-" + role;
        String address = "127.0." + p + "." + (role.equals("primary") ? 2 : 3);
        Path dir = hostsDir.resolve(name);
        Path dlc = dir.resolve("dlc");
        Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(dir.resolve("db"));
        Files.createDirectories(dir.resolve("backups"));
        SimInstaller.install(dlc);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DLC", dlc.toString());
        env.put("PATH", dlc.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin");
        env.put("BATON_SIM_JAVA", javaCommand);
        EmbeddedSshHost ssh =
            EmbeddedSshHost.builder()
                .address(address)
                .port(0)
                .stateDir(state.resolve("hostkeys").resolve(name))
                .home(dir.resolve("home"))
                .authorizedKey(client.getPublic())
                .env(env)
                .start();
        hosts.add(new LabHost(name, role, p, ssh, dir, dlc, freePort(address)));
      }
    }
    for (int p = 1; p <= pairs; p++) {
      LabHost primary = host(p, "primary");
      LabHost secondary = host(p, "secondary");
      SiteSeed seed = new SiteSeed(DB_NAME, broken);
      seed.oldPrimary(side(primary), side(secondary), sourceBytes / 4);
      seed.servingSource(side(secondary), side(primary), sourceBytes);
    }
    writeKnownHosts();
    writeInventory(key);
  }

  /** How the seeding reaches a lab host: its own files, through this JVM. */
  private SiteSeed.Side side(LabHost h) {
    return new SiteSeed.Side() {
      @Override
      public String run(String utility, String... args) throws IOException {
        return EmbeddedLab.this.run(h, utility, args);
      }

      @Override
      public void write(String fileName, String content) throws IOException {
        Files.writeString(h.dbDir().resolve(fileName), content);
      }

      @Override
      public String address() {
        return h.ssh().address();
      }

      @Override
      public int dbPort() {
        return h.dbPort();
      }
    };
  }

  private void writeKnownHosts() throws IOException {
    StringBuilder b = new StringBuilder();
    for (LabHost h : hosts) {
      b.append(h.ssh().hostKeyLine()).append('\n');
    }
    Files.writeString(knownHosts(), b.toString());
  }

  private void writeInventory(Path key) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append(
        "# Written by `baton lab up`: the embedded lab's site pairs. Each primary names its\n");
    b.append("# pair's secondary in `peer`; the failback playbooks run on the primaries and\n");
    b.append("# delegate the secondary's steps to the peer.\n");
    b.append("[primaries]\n");
    for (LabHost h : hosts) {
      if (h.role().equals("primary")) {
        LabHost s = host(h.pair(), "secondary");
        b.append(hostLine(h)).append(" peer=").append(s.name());
        if (broken == LabBreak.STARTUP_PARAMS) {
          b.append(' ').append(LabBreak.LOW_SERVE_ARGS);
        }
        b.append('\n');
      }
    }
    b.append("\n[secondaries]\n");
    for (LabHost h : hosts) {
      if (h.role().equals("secondary")) {
        b.append(hostLine(h))
            .append(" peer=")
            .append(host(h.pair(), "primary").name())
            .append('\n');
      }
    }
    b.append("\n[all:vars]\n");
    b.append("ansible_user=").append(System.getProperty("user.name")).append('\n');
    b.append("ansible_ssh_private_key_file=").append(key).append('\n');
    b.append("baton_known_hosts_file=").append(knownHosts()).append('\n');
    b.append("openedge_db_name=").append(DB_NAME).append('\n');
    Files.writeString(inventory(), b.toString(), StandardCharsets.UTF_8);
  }

  private static String hostLine(LabHost h) {
    return h.name()
        + " ansible_host="
        + h.ssh().address()
        + " ansible_port="
        + h.ssh().port()
        + " openedge_dlc="
        + h.dlc()
        + " openedge_db="
        + h.db()
        + " openedge_port="
        + h.dbPort()
        + " backup_dir="
        + h.dir().resolve("backups")
        + " preserve_dir="
        + h.dir().resolve("preserved");
  }

  /** Runs one simulator utility on a lab host's own files, as that host's shell would. */
  public String run(LabHost host, String utility, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(host.dlc().resolve("bin").resolve(utility).toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(host.dbDir().toFile());
    pb.environment().put("DLC", host.dlc().toString());
    pb.environment().put("BATON_SIM_JAVA", javaCommand);
    pb.redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process proc = pb.start();
    String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!proc.waitFor(120, TimeUnit.SECONDS)) {
        proc.destroyForcibly();
        throw new IOException(host.name() + ": " + String.join(" ", cmd) + ": timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (proc.exitValue() != 0) {
      throw new IOException(
          "lab set-up on "
              + host.name()
              + ": "
              + utility
              + " "
              + String.join(" ", args)
              + " exited "
              + proc.exitValue()
              + ": "
              + out.strip());
    }
    return out;
  }

  public List<LabHost> hosts() {
    return List.copyOf(hosts);
  }

  public LabHost host(String name) {
    return hosts.stream()
        .filter(h -> h.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no lab host " + name));
  }

  public LabHost host(int pair, String role) {
    return hosts.stream()
        .filter(h -> h.pair() == pair && h.role().equals(role))
        .findFirst()
        .orElseThrow();
  }

  public Path inventory() {
    return state.resolve("inventory.ini");
  }

  public Path knownHosts() {
    return state.resolve("known_hosts");
  }

  public Path state() {
    return state;
  }

  /**
   * Stops every database broker and writer the lab's hosts started, then the SSH servers. Safe to
   * call twice; leaves the files for inspection.
   */
  @Override
  public void close() {
    for (LabHost h : hosts) {
      stopBroker(h);
    }
    for (LabHost h : hosts) {
      h.ssh().close();
    }
    hosts.clear();
  }

  private void stopBroker(LabHost h) {
    if (Files.exists(h.dbDir().resolve(DB_NAME + ".lk"))) {
      try {
        run(h, "proshut", DB_NAME, "-by");
      } catch (IOException e) {
        // Best effort: the process sweep below catches what proshut could not stop.
      }
    }
    killProcessesUnder(h.dir());
  }

  /** Kills simulator processes (brokers, writers) whose command line names this directory. */
  private static void killProcessesUnder(Path dir) {
    String mark = dir.toAbsolutePath().toString();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(c -> c.contains(mark) && c.contains("dev.baton.sim"))
                    .orElse(false))
        .forEach(ProcessHandle::destroy);
  }

  private static void stopLeftovers(Path hostsDir) {
    killProcessesUnder(hostsDir);
  }

  /**
   * A port for a database broker. The simulated broker listens on every address, so the port must
   * be free on all of them, and it is taken only later (after the other hosts started): a port from
   * the kernel's ephemeral range could meanwhile become the local end of some other program's
   * connection (seen as 1432 "Address already in use"). Brokers therefore get ports below that
   * range, tried at random until one binds on the wildcard address.
   */
  private static int freePort(String address) throws IOException {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20000 + random.nextInt(12000);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(port));
        return port;
      } catch (IOException taken) {
        // Try another.
      }
    }
    throw new IOException("no free port for a database broker on " + address + " in 20000-31999");
  }

  private static void deleteTree(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}

package dev.baton.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.lab.SiteSeed;
import dev.baton.sim.SimInstaller;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.ShellQuote;
import dev.baton.testing.Baton;
import dev.baton.testing.OpenSshHosts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Site pairs of simulated OpenEdge machines on real OpenSSH servers ({@link OpenSshHosts}: one
 * network + mount namespace each), in the state a failback starts from, exactly as the embedded lab
 * seeds them ({@link SiteSeed}): the secondary's database is a served replication source, the
 * primary holds the stale old database. Pair p is h(2p-1) = primary, h(2p) = secondary.
 *
 * <p>Every host sees its own data directory at the same path ({@code dataPath}), laid out as {@code
 * dlc/} (the simulator, with {@code dlc/bin/java} pointing at this machine's JVM, so utilities run
 * by baton with {@code openedge_dlc} find a JVM however the host's PATH looks), {@code db/}, {@code
 * backups/}, {@code preserved/}. The controller side (baton's home, the inventory) lives under the
 * hosts' temp root and goes with them on {@link #close()}.
 */
final class SiteLab implements AutoCloseable {
  static final String DB_NAME = "sports";

  /** One machine of a pair. */
  record Site(String name, String role, int pair, OpenSshHosts.Host host, int dbPort) {
    String dlc() {
      return host.dataPath() + "/dlc";
    }

    String dbDir() {
      return host.dataPath() + "/db";
    }

    String db() {
      return dbDir() + "/" + DB_NAME;
    }

    String backupDir() {
      return host.dataPath() + "/backups";
    }

    String preserveDir() {
      return host.dataPath() + "/preserved";
    }

    /** The same data directory as the test (controller) side sees it. */
    Path local(String hostPath) {
      String prefix = host.dataPath();
      if (!hostPath.startsWith(prefix)) {
        throw new IllegalArgumentException(hostPath + " is not under " + prefix);
      }
      return host.dataDir().resolve(hostPath.substring(prefix.length()).replaceFirst("^/", ""));
    }
  }

  private final OpenSshHosts hosts;
  private final List<Site> sites = new ArrayList<>();
  private final Path work;
  private final Map<String, java.net.InetSocketAddress> via = new java.util.HashMap<>();
  private String extraVars = "";

  private SiteLab(OpenSshHosts hosts) throws IOException {
    this.hosts = hosts;
    this.work = Files.createDirectories(hosts.root().resolve("controller"));
  }

  /**
   * Starts {@code pairs} seeded site pairs; secondaries hold about {@code sourceBytes} of records.
   * Skips loudly (or fails under baton.requireAll) without root/sshd.
   */
  static SiteLab start(int pairs, long sourceBytes) {
    long[] sizes = new long[pairs];
    java.util.Arrays.fill(sizes, sourceBytes);
    return start(sizes);
  }

  /** Starts one seeded site pair per entry, the secondary of pair p holding sizes[p-1] bytes. */
  static SiteLab start(long... sizes) {
    int pairs = sizes.length;
    OpenSshHosts hosts = OpenSshHosts.start(2 * pairs);
    try {
      SiteLab lab = new SiteLab(hosts);
      lab.build(sizes);
      return lab;
    } catch (IOException e) {
      hosts.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      try {
        hosts.close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private void build(long[] sizes) throws IOException {
    int pairs = sizes.length;
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    for (int p = 1; p <= pairs; p++) {
      for (String role : List.of("primary", "secondary")) {
        OpenSshHosts.Host h = hosts.host(2 * p - (role.equals("primary") ? 1 : 0));
        String name = pairs == 1 ? role : "site" + p + "-" + role;
        // Isolated hosts each have their own address; in loopback mode they share 127.0.0.1.
        int port = hosts.isolated() ? 20_000 : 20_000 + 2 * p + (role.equals("primary") ? 0 : 1);
        Path dlc = SimInstaller.install(h.dataDir().resolve("dlc"));
        Files.createSymbolicLink(dlc.resolve("bin/java"), java);
        for (String d : List.of("db", "backups", "preserved")) {
          Files.createDirectories(h.dataDir().resolve(d));
        }
        Site site = new Site(name, role, p, h, port);
        sites.add(site);
        privateLocks(site);
      }
    }
    // Pairs seed in parallel: each utility is a JVM start over ssh.
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(pairs, 4));
    try {
      List<Future<Void>> seeded = new ArrayList<>();
      for (int p = 1; p <= pairs; p++) {
        Site primary = site(p, "primary");
        Site secondary = site(p, "secondary");
        long sourceBytes = sizes[p - 1];
        seeded.add(
            pool.submit(
                () -> {
                  SiteSeed seed = new SiteSeed(DB_NAME);
                  seed.oldPrimary(side(primary), side(secondary), sourceBytes / 4);
                  seed.servingSource(side(secondary), side(primary), sourceBytes);
                  return null;
                }));
      }
      for (Future<Void> f : seeded) {
        f.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("seeding the site pairs: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while seeding");
    } finally {
      pool.shutdownNow();
    }
    writeInventory();
  }

  private SiteSeed.Side side(Site s) {
    return side(s, s.dbDir(), s.dbPort());
  }

  /** The seeding's view of {@code s} for a database in {@code dbDir} served on {@code port}. */
  SiteSeed.Side side(Site s, String dbDir, int port) {
    return new SiteSeed.Side() {
      @Override
      public String run(String utility, String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(utility);
        argv.addAll(List.of(args));
        ExecResult r = sh(s, dbDir, ShellQuote.join(argv));
        if (!r.ok()) {
          throw new IOException(s.name() + ": " + argv + " exited " + r.exitCode() + ": " + r);
        }
        return r.stdout();
      }

      @Override
      public void write(String fileName, String content) throws IOException {
        Files.writeString(s.local(dbDir).resolve(fileName), content);
      }

      @Override
      public String address() {
        return s.host().address();
      }

      @Override
      public int dbPort() {
        return port;
      }
    };
  }

  /**
   * Writes the lab's inventory (the embedded lab's shape: groups primaries/secondaries, {@code
   * peer}, openedge_*, backup_dir, preserve_dir, key, known_hosts) with {@code extraAllVars}
   * appended to {@code [all:vars]}.
   */
  Path writeInventory(Path file, String extraAllVars) throws IOException {
    if (extraAllVars.isEmpty()) {
      extraAllVars = extraVars;
    }
    StringBuilder b = new StringBuilder("# Written by the e2e SiteLab.\n[primaries]\n");
    for (Site s : sites) {
      if (s.role().equals("primary")) {
        b.append(hostLine(s, site(s.pair(), "secondary"), via.get(s.name()))).append('\n');
      }
    }
    b.append("\n[secondaries]\n");
    for (Site s : sites) {
      if (s.role().equals("secondary")) {
        b.append(hostLine(s, site(s.pair(), "primary"), via.get(s.name()))).append('\n');
      }
    }
    b.append("\n[all:vars]\n")
        .append("ansible_user=root\n")
        .append("ansible_ssh_private_key_file=")
        .append(hosts.clientKey())
        .append('\n')
        .append("baton_known_hosts_file=")
        .append(hosts.knownHosts())
        .append('\n')
        .append("openedge_db_name=")
        .append(DB_NAME)
        .append('\n')
        .append(extraAllVars);
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    return file;
  }

  private static String hostLine(Site s, Site peer, java.net.InetSocketAddress via) {
    return s.name()
        + " ansible_host="
        + (via == null ? s.host().address() : via.getHostString())
        + " ansible_port="
        + (via == null ? s.host().port() : via.getPort())
        + " peer="
        + peer.name()
        + " openedge_dlc="
        + s.dlc()
        + " openedge_db="
        + s.db()
        + " openedge_port="
        + s.dbPort()
        + " backup_dir="
        + s.backupDir()
        + " preserve_dir="
        + s.preserveDir();
  }

  /** Rewrites {@link #inventory()} (after a change of address or of the extra vars). */
  void writeInventory() throws IOException {
    writeInventory(inventory(), extraVars);
  }

  /** Lines appended to the inventory's [all:vars] from now on (e.g. keepalive, timeouts). */
  void allVars(String lines) throws IOException {
    extraVars = lines;
    writeInventory();
  }

  /**
   * Routes baton's connections to {@code s} through {@code address} (a relay in front of it): the
   * inventory names that address, and known_hosts trusts the host's key there.
   */
  void reachVia(Site s, java.net.InetSocketAddress address) throws IOException {
    hosts.trustAlias(s.host(), address.getHostString(), address.getPort());
    via.put(s.name(), address);
    writeInventory();
  }

  /**
   * run_lock keeps its locks in /var/tmp/baton-locks, which the hosts would otherwise share with
   * each other and with this machine: each host gets its own (inside its mount namespace). Again
   * after each sshd start, which makes a new namespace.
   */
  void privateLocks(Site s) throws IOException {
    if (!hosts.isolated()) {
      return;
    }
    Files.createDirectories(s.host().dataDir().resolve("locks"));
    ExecResult r =
        hosts.runOn(
            s.host(),
            "mkdir -p /var/tmp/baton-locks && mount --bind "
                + ShellQuote.quote(s.host().dataPath() + "/locks")
                + " /var/tmp/baton-locks");
    if (!r.ok()) {
      throw new IOException(s.name() + ": private lock directory: " + r);
    }
  }

  /** Starts the site's sshd again after {@code hosts().killSshd}. */
  void startSshd(Site s) throws IOException {
    hosts.startSshd(s.host());
    privateLocks(s);
  }

  /**
   * Writes (or, with null, removes) the simulator's fault switches for the site's database
   * directory: {@code oesim.faults}, which stays put when the restore moves {@code sports.*} aside.
   */
  void faults(Site s, String lines) throws IOException {
    Path f = s.local(s.dbDir()).resolve("oesim.faults");
    if (lines == null) {
      Files.deleteIfExists(f);
    } else {
      Files.writeString(f, lines);
    }
  }

  // ---------------------------------------------------------------- what tests use

  OpenSshHosts hosts() {
    return hosts;
  }

  List<Site> sites() {
    return List.copyOf(sites);
  }

  Site site(int pair, String role) {
    return sites.stream()
        .filter(s -> s.pair() == pair && s.role().equals(role))
        .findFirst()
        .orElseThrow();
  }

  Site site(String name) {
    return sites.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  /** The controller's working directory (inventories, playbooks, BATON_HOME live here). */
  Path work() {
    return work;
  }

  Path inventory() {
    return work.resolve("inventory.ini");
  }

  Path batonHome() {
    return work.resolve("baton-home");
  }

  Map<String, String> env() {
    return Map.of("BATON_HOME", batonHome().toString());
  }

  /** Runs baton to the end (as its own process) in the controller directory. */
  Baton.Result baton(String... args) throws IOException {
    return Baton.run(work, env(), args);
  }

  /** Starts baton without waiting (for faults injected mid-run). */
  Process startBaton(String... args) throws IOException {
    return Baton.start(work, env(), args);
  }

  /** Runs {@code command} on the site's host with DLC set and $DLC/bin first on PATH. */
  ExecResult sh(Site s, String command) {
    return sh(s, s.dbDir(), command);
  }

  /** As {@link #sh(Site, String)}, in {@code dir}. */
  ExecResult sh(Site s, String dir, String command) {
    String dlc = ShellQuote.quote(s.dlc());
    return hosts.runOn(
        s.host(),
        "cd "
            + ShellQuote.quote(dir)
            + " && export DLC="
            + dlc
            + " PATH="
            + dlc
            + "/bin:\"$PATH\" && "
            + command);
  }

  /** The replication role {@code proutil -C describe} reports: source, target or none. */
  String role(Site s) {
    return role(s, s.db());
  }

  String role(Site s, String db) {
    ExecResult r = sh(s, "proutil " + ShellQuote.quote(db) + " -C describe");
    assertThat(r.exitCode()).as(s.name() + " describe: " + r).isZero();
    Matcher m =
        Pattern.compile("OpenEdge Replication\\s+(Yes|No)\\s*(Source|Target)?").matcher(r.stdout());
    assertThat(m.find()).as(s.name() + " describe: " + r.stdout()).isTrue();
    return m.group(1).equals("No") || m.group(2) == null ? "none" : m.group(2).toLowerCase();
  }

  /** {@code oesim digest}: "records=N sha256=HEX" (without the position). */
  String digest(Site s, String db) {
    ExecResult r = sh(s, "oesim digest " + ShellQuote.quote(db));
    assertThat(r.exitCode()).as(s.name() + " digest: " + r).isZero();
    Matcher m = Pattern.compile("records=\\d+ sha256=[0-9a-f]+").matcher(r.stdout());
    assertThat(m.find()).as(r.stdout()).isTrue();
    return m.group();
  }

  /** sha256 of a file on the host. */
  String sha256(Site s, String path) {
    ExecResult r = hosts.runOn(s.host(), "sha256sum " + ShellQuote.quote(path));
    assertThat(r.exitCode()).as(s.name() + " sha256sum " + path + ": " + r).isZero();
    return r.stdout().split("\\s+")[0];
  }

  /** Files (names) in a directory on the host, recursively, relative to it; empty if missing. */
  List<String> files(Site s, String dir) {
    ExecResult r =
        hosts.runOn(
            s.host(),
            "cd " + ShellQuote.quote(dir) + " 2>/dev/null && find . -type f | sort || true");
    return r.stdout().lines().filter(l -> !l.isBlank()).map(l -> l.substring(2)).toList();
  }

  /** The journal of the run baton printed ("journal PATH" in its output). */
  static Path journalOf(Baton.Result r) {
    Matcher m = Pattern.compile("journal (\\S+)").matcher(r.stdout());
    assertThat(m.find()).as(r.all()).isTrue();
    return Path.of(m.group(1));
  }

  /** The run id baton printed. */
  static String runIdOf(Baton.Result r) {
    return journalOf(r).getParent().getFileName().toString();
  }

  /** The ids of the runs in BATON_HOME, oldest first (ids sort by start time). */
  List<String> runIds() throws IOException {
    Path runs = batonHome().resolve("runs");
    if (!Files.isDirectory(runs)) {
      return List.of();
    }
    try (var list = Files.list(runs)) {
      return list.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
    }
  }

  /** The journal of run {@code id} in BATON_HOME. */
  Path journal(String id) {
    return batonHome().resolve("runs").resolve(id).resolve("journal.jsonl");
  }

  @Override
  public void close() {
    hosts.close();
  }
}

package dev.baton.testing;

import dev.baton.ssh.ExecResult;
import dev.baton.ssh.ShellQuote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Several real OpenSSH machines on this one box, for tests that need real {@code sshd} processes.
 *
 * <p>Preferred (isolated) mode: host {@code hN} lives in its own network namespace with one veth
 * ({@code eth0}) plugged into a bridge in the root namespace; sshd listens on port 22 of the host's
 * address in a private /24 chosen so that it overlaps no route of this machine. Each sshd runs in
 * its own mount + UTS namespace, so the host has its own hostname ({@code hN}), its own data
 * directory mounted at the same path on every host ({@link Host#dataPath()}), and a clean root home
 * mounted over root's real home (this machine's {@code /root/.bashrc} may run slow things such as
 * {@code pyenv init} for every command).
 *
 * <p>Fallback (loudly announced) when namespaces cannot be created: every sshd listens on an
 * ephemeral port of 127.0.0.1 and only the data directories and homes are separate.
 *
 * <p>Every name this class creates (namespaces, links) starts with one per-instance prefix, and
 * {@link #close()} stops every process it started (by PID, including session processes in the
 * host's namespaces) and deletes every namespace, link and file it created, also after failures; a
 * JVM shutdown hook does the same as a last resort.
 *
 * <pre>{@code
 * try (OpenSshHosts lab = OpenSshHosts.start(2)) {
 *   ExecResult r = lab.runOn(lab.host(1), "hostname");
 * }
 * }</pre>
 */
public final class OpenSshHosts implements AutoCloseable {

  /** What the skip line names when this machine cannot run the hosts. */
  public static final String NEEDS = "root + openssh-server + iproute2";

  /**
   * One started host, as a client sees it.
   *
   * @param name inventory name and (when isolated) hostname: h1..hN
   * @param address where sshd listens (the host's own address, or 127.0.0.1 in loopback mode)
   * @param port 22, or an ephemeral port in loopback mode
   * @param dataPath the host's data directory as processes on the host see it; the same path on
   *     every host when isolated, yet a different directory on each
   * @param dataDir the same directory as the test (controller) side sees it
   * @param homeDir root's clean home on the host, from the test side (put keys or dotfiles here)
   * @param sshdLog the host's sshd log
   */
  public record Host(
      String name,
      String address,
      int port,
      String dataPath,
      Path dataDir,
      Path homeDir,
      Path sshdLog) {}

  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration SSH_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
  private static final int CONNECT_TIMEOUT_SECONDS = 5;
  private static final String SSHD = System.getProperty("baton.sshd", "/usr/sbin/sshd");
  private static final Path LOCK_FILE =
      Path.of(System.getProperty("java.io.tmpdir"), ".baton-openssh-hosts.lock");

  /** Serialises name/subnet choice inside this JVM; the lock file does it across JVMs. */
  private static final Object CHOOSING = new Object();

  private final String prefix;
  private final Path root;
  private final boolean netns;
  private final boolean unshare;
  private final String subnet;
  private final String rootHome;
  private final List<HostState> hosts = new ArrayList<>();
  private final List<String> extraKnownHosts = new ArrayList<>();
  private final Path clientKey;
  private final Path knownHosts;
  private final Path sshConfig;
  private final Path inventory;
  private final Thread shutdownHook;
  private final boolean bridgeCreated;
  private boolean closed;

  /** Per host: what was created for it, so close() can remove exactly that. */
  private static final class HostState {
    final int number;
    final Path dir;
    Host host;
    Process sshd;
    String mountNamespace;
    boolean namespaceCreated;
    boolean linkCreated;

    HostState(int number, Path dir) {
      this.number = number;
      this.dir = dir;
    }
  }

  /**
   * Starts {@code count} hosts h1..hN. Aborts the calling test through a JUnit assumption when this
   * machine lacks root, sshd, iproute2 or util-linux (fails instead when {@code
   * baton.requireAll=true}).
   */
  public static OpenSshHosts start(int count) {
    if (count < 1 || count > 200) {
      throw new IllegalArgumentException("host count must be 1..200, got " + count);
    }
    assumeAvailable();
    OpenSshHosts lab = new OpenSshHosts();
    try {
      lab.up(count);
      return lab;
    } catch (RuntimeException | Error e) {
      try {
        lab.close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Checks root, sshd, ssh, ssh-keygen, ip and unshare; when one is missing prints {@code SKIPPED
   * (needs root + openssh-server + iproute2)} and aborts the test, or fails it when {@code
   * baton.requireAll=true}.
   */
  public static void assumeAvailable() {
    List<String> missing = new ArrayList<>();
    if (!isRoot()) {
      missing.add("root");
    }
    if (!Files.isExecutable(Path.of(SSHD))) {
      missing.add(SSHD + " (openssh-server)");
    }
    for (String tool : List.of("ssh", "ssh-keygen", "ip", "unshare")) {
      if (Command.which(tool) == null) {
        missing.add(tool);
      }
    }
    if (missing.isEmpty() && rootAccountLocked()) {
      missing.add("an unlocked root account (sshd refuses key logins to '!' accounts without PAM)");
    }
    Requirements.check(missing.isEmpty(), NEEDS, "missing " + String.join(", ", missing));
  }

  private OpenSshHosts() {
    String mode = System.getProperty("baton.openssh.mode", "auto");
    if (!List.of("auto", "loopback", "loopback-nounshare").contains(mode)) {
      throw new IllegalArgumentException(
          "baton.openssh.mode must be auto, loopback or loopback-nounshare, got " + mode);
    }
    String chosenPrefix;
    String chosenSubnet = null;
    String whyLoopback = null;
    Path dir;
    synchronized (CHOOSING) {
      try (FileChannel lockChannel =
              FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = lockChannel.lock()) {
        LabDirectory.reapAbandoned();
        chosenPrefix = LabNetwork.freePrefix();
        // The directory (with its owner) exists before any namespace or link, so a later run
        // can always find and remove what a killed JVM left behind.
        dir = LabDirectory.create(chosenPrefix);
        if (!mode.equals("auto")) {
          whyLoopback = "forced by -Dbaton.openssh.mode=" + mode;
        } else if (!LabNetwork.netnsWorks(chosenPrefix)) {
          whyLoopback = "network namespaces cannot be created here";
        } else {
          try {
            // Created while holding the lock: the next run sees this /24 in the routes.
            chosenSubnet = LabNetwork.createBridge(chosenPrefix + "br");
          } catch (RuntimeException e) {
            whyLoopback = "no bridge: " + e.getMessage();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("preparing a lab under " + LOCK_FILE.getParent(), e);
      }
    }
    this.prefix = chosenPrefix;
    this.root = dir;
    this.netns = chosenSubnet != null;
    this.bridgeCreated = netns;
    this.subnet = chosenSubnet;
    // Registered before any process starts: whatever happens next is undone at exit.
    this.shutdownHook = new Thread(this::closeQuietly, prefix + "-cleanup");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    this.unshare =
        !mode.equals("loopback-nounshare")
            && Command.run(
                    TOOL_TIMEOUT,
                    List.of("unshare", "--mount", "--uts", "--propagation", "private", "true"))
                .ok();
    this.rootHome = rootHome();
    this.clientKey = root.resolve("client/id_ed25519");
    this.knownHosts = root.resolve("known_hosts");
    this.sshConfig = root.resolve("ssh_config");
    this.inventory = root.resolve("inventory.ini");
    if (!netns) {
      System.err.println(
          "!!! OpenSshHosts: LOOPBACK MODE (127.0.0.1, ephemeral ports; no linkDown/linkUp): "
              + whyLoopback
              + " !!!");
    }
    if (!unshare) {
      System.err.println(
          "!!! OpenSshHosts: unshare --mount --uts is not permitted: hosts share this machine's"
              + " hostname and file system view (separate data directories only) !!!");
    }
  }

  // ---------------------------------------------------------------- what tests use

  /** All hosts, h1 first. */
  public List<Host> hosts() {
    return hosts.stream().map(h -> h.host).toList();
  }

  /** Host number {@code n}, counting from 1 (h1). */
  public Host host(int n) {
    return state(n).host;
  }

  /**
   * True when each host has its own network, mount and UTS namespace (own address on port 22, own
   * hostname, own view of {@link Host#dataPath()}); false in loopback fallback.
   */
  public boolean isolated() {
    return netns && unshare;
  }

  /**
   * The root namespace's address on the hosts' bridge: a socket the test opens there (a relay, say)
   * is reachable from every host. In loopback mode, 127.0.0.1.
   */
  public java.net.InetAddress gateway() {
    try {
      return java.net.InetAddress.getByName(netns ? subnet + ".1" : "127.0.0.1");
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("not an address: " + subnet + ".1", e);
    }
  }

  /** Skips (or fails under {@code baton.requireAll}) a test that needs {@link #isolated()}. */
  public void assumeIsolated() {
    Requirements.check(
        isolated(),
        "network + mount namespaces",
        "OpenSshHosts runs in loopback mode on this machine");
  }

  /** The unique prefix of every namespace and link name this instance created. */
  public String prefix() {
    return prefix;
  }

  /** The directory that holds everything of this run (removed by close()). */
  public Path root() {
    return root;
  }

  /** Private key (ed25519, no passphrase) every host accepts for root. */
  public Path clientKey() {
    return clientKey;
  }

  /** known_hosts with every host's ed25519 key under its address (and [address]:port). */
  public Path knownHosts() {
    return knownHosts;
  }

  /** OpenSSH client config with aliases h1..hN: {@code ssh -F sshConfig h1 cmd}. */
  public Path sshConfig() {
    return sshConfig;
  }

  /** Ansible INI inventory: group {@code openssh} with h1..hN and their connection vars. */
  public Path inventory() {
    return inventory;
  }

  /** The host's public host key line ("ssh-ed25519 AAAA..."), e.g. for extra known_hosts names. */
  public String hostKey(Host host) {
    try {
      String[] parts =
          Files.readString(stateOf(host).dir.resolve("etc/ssh_host_ed25519_key.pub"))
              .strip()
              .split(" ");
      return parts[0] + " " + parts[1];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds a known_hosts entry for {@code host}'s key under another address, e.g. a relay. */
  public synchronized void trustAlias(Host host, String address, int port) {
    extraKnownHosts.add(knownHostsName(address, port) + " " + hostKey(host));
    writeClientFiles();
  }

  /**
   * Lets root on every host ssh to every other host by name (h1..hN) with the lab's client key and
   * strict host-key checking, as direct host-to-host transfers need. Off by default: hosts do not
   * trust each other unless a test asks for it.
   */
  public void letHostsSshToEachOther() {
    try {
      String key = Files.readString(clientKey);
      StringBuilder config = new StringBuilder();
      for (HostState state : hosts) {
        Host other = state.host;
        config.append("Host ").append(other.name()).append('\n');
        config.append("  HostName ").append(other.address()).append('\n');
        config.append("  Port ").append(other.port()).append('\n');
      }
      config.append(
          "Host *\n  User root\n  StrictHostKeyChecking yes\n  BatchMode yes\n"
              + "  ConnectTimeout "
              + CONNECT_TIMEOUT_SECONDS
              + "\n");
      for (HostState state : hosts) {
        Path ssh = state.dir.resolve("home/.ssh");
        Path ownKey = ssh.resolve("id_ed25519");
        Files.writeString(ownKey, key);
        Files.setPosixFilePermissions(ownKey, PosixFilePermissions.fromString("rw-------"));
        Files.copy(knownHosts, ssh.resolve("known_hosts"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(ssh.resolve("config"), config);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("giving the hosts the lab key", e);
    }
  }

  /** The ssh argv (config, batch mode, strict host keys) up to but excluding the command. */
  public List<String> sshCommand(Host host, String... options) {
    List<String> argv = new ArrayList<>(List.of("ssh", "-n", "-F", sshConfig.toString()));
    argv.addAll(List.of(options));
    argv.add(host.name());
    argv.add("--");
    return argv;
  }

  /** Runs a shell command on the host with the real OpenSSH client; never throws on exit codes. */
  public ExecResult runOn(Host host, String command) {
    List<String> argv = sshCommand(host);
    argv.add(command);
    return Command.run(SSH_TIMEOUT, argv);
  }

  /** Sets the host's link down: its address stops answering, open connections stall. */
  public void linkDown(Host host) {
    setLink(host, "down");
  }

  /** Undoes {@link #linkDown}. */
  public void linkUp(Host host) {
    setLink(host, "up");
  }

  /**
   * Kills the host's sshd and every session it started (SIGKILL, like a crash); new connections are
   * refused until {@link #startSshd}.
   */
  public void killSshd(Host host) {
    HostState state = stateOf(host);
    if (state.sshd == null) {
      return;
    }
    List<ProcessHandle> victims = new ArrayList<>(state.sshd.descendants().toList());
    victims.add(state.sshd.toHandle());
    victims.forEach(ProcessHandle::destroyForcibly);
    LabProcesses.awaitGone(victims, Duration.ofSeconds(5));
    state.sshd = null;
  }

  /** Starts the host's sshd again (same address, port, keys and data) after {@link #killSshd}. */
  public void startSshd(Host host) {
    HostState state = stateOf(host);
    if (state.sshd != null && state.sshd.isAlive()) {
      throw new IllegalStateException(host.name() + ": sshd is already running");
    }
    launchSshd(state);
  }

  // ---------------------------------------------------------------- bringing hosts up

  private void up(int count) {
    try {
      Path clientDir = clientKey.getParent();
      Files.createDirectories(clientDir);
      Files.setPosixFilePermissions(clientDir, PosixFilePermissions.fromString("rwx------"));
      keygen(clientKey, prefix + "-client");
      Files.createDirectories(root.resolve("srv"));
      for (int n = 1; n <= count; n++) {
        HostState state = new HostState(n, root.resolve("h" + n));
        hosts.add(state);
        prepareHost(state);
      }
      for (HostState state : hosts) {
        launchSshd(state);
      }
      writeClientFiles();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void prepareHost(HostState state) throws IOException {
    int n = state.number;
    Path dir = state.dir;
    for (String sub : List.of("etc", "log", "data", "home/.ssh")) {
      Files.createDirectories(dir.resolve(sub));
    }
    for (String sub : List.of("etc", "home", "home/.ssh")) {
      Files.setPosixFilePermissions(dir.resolve(sub), PosixFilePermissions.fromString("rwx------"));
    }
    // A plain server's root home: the distribution's stock dotfiles and nothing else.
    copyFirst(dir.resolve("home/.bashrc"), "/usr/share/base-files/dot.bashrc", "/etc/skel/.bashrc");
    copyFirst(
        dir.resolve("home/.profile"), "/usr/share/base-files/dot.profile", "/etc/skel/.profile");
    Path authorized = dir.resolve("home/.ssh/authorized_keys");
    Files.copy(clientKey.resolveSibling("id_ed25519.pub"), authorized);
    Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rw-------"));
    keygen(dir.resolve("etc/ssh_host_ed25519_key"), prefix + "-h" + n);

    String address;
    int port;
    if (netns) {
      address = subnet + "." + (10 + n);
      port = 22;
      String ns = namespace(n);
      String veth = veth(n);
      Command.check("ip", "netns", "add", ns);
      state.namespaceCreated = true;
      Command.check("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
      state.linkCreated = true;
      LabNetwork.quietIpv6(veth);
      Command.check("ip", "link", "set", veth, "master", prefix + "br");
      Command.check("ip", "link", "set", veth, "up");
      Command.check("ip", "-n", ns, "link", "set", "lo", "up");
      Command.check("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
      Command.check("ip", "-n", ns, "link", "set", "eth0", "up");
    } else {
      address = "127.0.0.1";
      port = 0; // chosen when sshd starts
    }
    String dataPath = unshare ? root.resolve("srv").toString() : dir.resolve("data").toString();
    state.host =
        new Host(
            "h" + n,
            address,
            port,
            dataPath,
            dir.resolve("data"),
            dir.resolve("home"),
            dir.resolve("log/sshd.log"));
  }

  private void launchSshd(HostState state) {
    int attempts = netns ? 1 : 5;
    int firstPort = state.host.port();
    for (int attempt = 1; ; attempt++) {
      if (!netns && (attempt > 1 || firstPort == 0)) {
        // Free now; sshd may lose it to someone else before it binds, hence the retries.
        state.host = withPort(state.host, ephemeralPort());
      }
      writeSshdConfig(state);
      String failure = tryLaunch(state);
      if (failure == null) {
        if (firstPort != 0 && state.host.port() != firstPort) {
          writeClientFiles(); // a restart in loopback mode had to move to another port
        }
        return;
      }
      if (attempt >= attempts) {
        throw new IllegalStateException(state.host.name() + ": sshd did not start: " + failure);
      }
    }
  }

  /** Starts sshd in the host's namespaces; returns null when it listens, else why not. */
  private String tryLaunch(HostState state) {
    Host host = state.host;
    Path dir = state.dir;
    String sshd =
        ShellQuote.join(
            List.of(
                SSHD,
                "-D",
                "-f",
                dir.resolve("etc/sshd_config").toString(),
                "-E",
                host.sshdLog().toString()));
    List<String> argv = new ArrayList<>();
    if (netns) {
      argv.addAll(List.of("ip", "netns", "exec", namespace(state.number)));
    }
    String script;
    if (unshare) {
      argv.addAll(List.of("unshare", "--mount", "--uts", "--propagation", "private"));
      script =
          String.join(
              " && ",
              "hostname " + host.name(),
              "mount --bind "
                  + ShellQuote.quote(dir.resolve("data").toString())
                  + " "
                  + ShellQuote.quote(host.dataPath()),
              "mount --bind "
                  + ShellQuote.quote(dir.resolve("home").toString())
                  + " "
                  + ShellQuote.quote(rootHome),
              "exec " + sshd);
    } else {
      script = "exec " + sshd;
    }
    argv.addAll(List.of("sh", "-c", script));
    try {
      Files.createDirectories(Path.of("/run/sshd")); // privilege separation dir (systemd's job)
      // ip, unshare, sh and sshd all exec in turn: the Process is sshd itself.
      state.sshd =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(dir.resolve("log/start.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!state.sshd.isAlive()) {
        String why =
            "exited "
                + state.sshd.exitValue()
                + ": "
                + tail(host.sshdLog())
                + tail(dir.resolve("log/start.log"));
        state.sshd = null;
        return why;
      }
      if (listening(host)) {
        state.mountNamespace = unshare ? LabProcesses.mountNamespace(state.sshd.pid()) : null;
        return null;
      }
      LabProcesses.sleep(50);
    }
    killSshd(host);
    return "not listening on "
        + host.address()
        + ":"
        + host.port()
        + " after "
        + START_TIMEOUT.toSeconds()
        + " s";
  }

  private void writeSshdConfig(HostState state) {
    Host host = state.host;
    Path dir = state.dir;
    // With a private mount namespace the clean home sits at root's real home, so the normal
    // relative AuthorizedKeysFile and StrictModes apply; without it the home is elsewhere under
    // the temp dir, whose world-writable parent StrictModes would reject.
    String keys =
        unshare
            ? "AuthorizedKeysFile .ssh/authorized_keys\nStrictModes yes\n"
            : "AuthorizedKeysFile "
                + dir.resolve("home/.ssh/authorized_keys")
                + "\nStrictModes no\n";
    String env =
        "SetEnv BATON_HOST="
            + host.name()
            + " BATON_DATA="
            + host.dataPath()
            + (unshare ? "" : " HOME=" + dir.resolve("home"))
            + "\n";
    String config =
        "# Generated by OpenSshHosts for "
            + host.name()
            + " ("
            + (netns ? "netns" : "loopback")
            + " mode).\n"
            + "ListenAddress "
            + host.address()
            + ":"
            + host.port()
            + "\n"
            + "HostKey "
            + dir.resolve("etc/ssh_host_ed25519_key")
            + "\n"
            + "PidFile "
            + dir.resolve("sshd.pid")
            + "\n"
            + keys
            + "PubkeyAuthentication yes\n"
            + "PasswordAuthentication no\n"
            + "KbdInteractiveAuthentication no\n"
            + "PermitRootLogin prohibit-password\n"
            + "AuthenticationMethods publickey\n"
            + "UsePAM no\n"
            + "UseDNS no\n"
            // Headroom for parallel tests, forks and multiplexing against one host.
            + "MaxStartups 100:30:200\n"
            + "MaxSessions 100\n"
            + "LoginGraceTime 30\n"
            + "X11Forwarding no\n"
            + "PrintMotd no\n"
            + "PrintLastLog no\n"
            + "AcceptEnv LANG LC_*\n"
            + env
            + "Subsystem sftp internal-sftp\n"
            + "LogLevel INFO\n";
    try {
      Files.writeString(dir.resolve("etc/sshd_config"), config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized void writeClientFiles() {
    StringBuilder known = new StringBuilder();
    StringBuilder config =
        new StringBuilder("# Generated by OpenSshHosts. Use: ssh -F " + sshConfig + " h1\n");
    StringBuilder inv = new StringBuilder("# Generated by OpenSshHosts.\n[openssh]\n");
    for (HostState state : hosts) {
      Host host = state.host;
      known
          .append(knownHostsName(host.address(), host.port()))
          .append(' ')
          .append(hostKey(host))
          .append('\n');
      config.append("Host ").append(host.name()).append('\n');
      config.append("  HostName ").append(host.address()).append('\n');
      config.append("  Port ").append(host.port()).append('\n');
      inv.append(host.name())
          .append(" ansible_host=")
          .append(host.address())
          .append(" ansible_port=")
          .append(host.port())
          .append('\n');
    }
    config.append(
        "Host *\n"
            + "  User root\n"
            + "  IdentityFile "
            + clientKey
            + "\n"
            + "  IdentitiesOnly yes\n"
            + "  UserKnownHostsFile "
            + knownHosts
            + "\n"
            + "  GlobalKnownHostsFile /dev/null\n"
            + "  StrictHostKeyChecking yes\n"
            + "  CheckHostIP no\n"
            + "  BatchMode yes\n"
            + "  ConnectTimeout "
            + CONNECT_TIMEOUT_SECONDS
            + "\n"
            + "  LogLevel ERROR\n");
    inv.append("\n[openssh:vars]\n")
        .append("ansible_user=root\n")
        .append("ansible_ssh_private_key_file=")
        .append(clientKey)
        .append('\n')
        .append("ansible_ssh_common_args='-F ")
        .append(sshConfig)
        .append("'\n")
        .append("ansible_python_interpreter=/usr/bin/python3\n");
    extraKnownHosts.forEach(line -> known.append(line).append('\n'));
    try {
      Files.writeString(knownHosts, known);
      Files.writeString(sshConfig, config);
      Files.writeString(inventory, inv);
    } catch (IOException e) {
      throw new UncheckedIOException("writing client files under " + root, e);
    }
  }

  // ---------------------------------------------------------------- tearing down

  /**
   * Stops every process this instance started (sshd, its sessions and anything else left in the
   * hosts' namespaces), deletes the namespaces, links and the temp directory. Idempotent; tries
   * every step even when one fails, then reports the failures together.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> problems = new ArrayList<>();
    Set<Long> victims = new LinkedHashSet<>();
    for (HostState state : hosts) {
      victims.addAll(processesOf(state, problems));
    }
    LabProcesses.killAll(victims, problems);
    for (HostState state : hosts) {
      if (state.linkCreated) {
        Command.attempt(problems, "ip", "link", "del", veth(state.number));
      }
      if (state.namespaceCreated) {
        Command.attempt(problems, "ip", "netns", "del", namespace(state.number));
      }
    }
    if (bridgeCreated) {
      Command.attempt(problems, "ip", "link", "del", prefix + "br");
    }
    if (root != null) {
      try {
        LabDirectory.delete(root);
      } catch (UncheckedIOException e) {
        problems.add(e.getMessage() + ": " + e.getCause().getMessage());
      }
    }
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already exiting; the hook is what is running the cleanup anyway.
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "OpenSshHosts " + prefix + " cleanup incomplete: " + String.join("; ", problems));
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
    }
  }

  /** Every process belonging to this host: its namespaces' members and sshd's tree. */
  private List<Long> processesOf(HostState state, List<String> problems) {
    Set<Long> pids = new LinkedHashSet<>();
    if (state.sshd != null) {
      pids.add(state.sshd.pid());
      state.sshd.descendants().forEach(p -> pids.add(p.pid()));
    }
    if (state.namespaceCreated) {
      ExecResult inNetns =
          Command.run(TOOL_TIMEOUT, List.of("ip", "netns", "pids", namespace(state.number)));
      if (inNetns.ok()) {
        inNetns
            .stdout()
            .lines()
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(Long::valueOf)
            .forEach(pids::add);
      } else {
        problems.add("ip netns pids " + namespace(state.number) + ": " + inNetns.stderr().strip());
      }
    }
    // Session processes that detached from sshd (setsid, double fork) still share its mount
    // namespace, which is private to this host; never this JVM's own namespace.
    String ownMountNamespace = LabProcesses.mountNamespace(ProcessHandle.current().pid());
    if (state.mountNamespace != null && !state.mountNamespace.equals(ownMountNamespace)) {
      for (long pid : LabProcesses.allPids()) {
        if (state.mountNamespace.equals(LabProcesses.mountNamespace(pid))) {
          pids.add(pid);
        }
      }
    }
    return new ArrayList<>(pids);
  }

  // ---------------------------------------------------------------- helpers

  private String namespace(int n) {
    return prefix + "h" + n;
  }

  private String veth(int n) {
    return prefix + "v" + n;
  }

  private HostState state(int n) {
    if (n < 1 || n > hosts.size()) {
      throw new IllegalArgumentException("no host h" + n + " (have h1..h" + hosts.size() + ")");
    }
    return hosts.get(n - 1);
  }

  private HostState stateOf(Host host) {
    for (HostState state : hosts) {
      if (state.host.name().equals(host.name())) {
        return state;
      }
    }
    throw new IllegalArgumentException("not a host of this lab: " + host.name());
  }

  private void setLink(Host host, String upOrDown) {
    if (!netns) {
      throw new IllegalStateException(
          "linkDown/linkUp need network namespaces; this lab runs in loopback mode");
    }
    Command.check("ip", "link", "set", veth(stateOf(host).number), upOrDown);
  }

  private static Host withPort(Host host, int port) {
    return new Host(
        host.name(),
        host.address(),
        port,
        host.dataPath(),
        host.dataDir(),
        host.homeDir(),
        host.sshdLog());
  }

  private static String knownHostsName(String address, int port) {
    return port == 22 ? address : "[" + address + "]:" + port;
  }

  private static void keygen(Path key, String comment) {
    Command.check(
        TOOL_TIMEOUT,
        List.of(
            "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key.toString()));
  }

  private static void copyFirst(Path target, String... candidates) throws IOException {
    for (String candidate : candidates) {
      if (Files.isReadable(Path.of(candidate))) {
        Files.copy(Path.of(candidate), target);
        return;
      }
    }
    Files.writeString(target, "");
  }

  private static boolean listening(Host host) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host.address(), host.port()), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeralPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())) + " ";
    } catch (IOException e) {
      return "";
    }
  }

  private static String rootHome() {
    try (Stream<String> passwd = Files.lines(Path.of("/etc/passwd"))) {
      return passwd
          .filter(l -> l.startsWith("root:"))
          .map(l -> l.split(":")[5])
          .findFirst()
          .orElse("/root");
    } catch (IOException e) {
      return "/root";
    }
  }

  private static boolean isRoot() {
    try (Stream<String> status = Files.lines(Path.of("/proc/self/status"))) {
      return status
          .filter(l -> l.startsWith("Uid:"))
          .map(l -> l.split("\\s+")[1])
          .anyMatch("0"::equals);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean rootAccountLocked() {
    try (Stream<String> shadow = Files.lines(Path.of("/etc/shadow"))) {
      return shadow
          .filter(l -> l.startsWith("root:"))
          .map(l -> l.split(":", -1)[1])
          .anyMatch(p -> p.startsWith("!"));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "OpenSshHosts["
        + prefix
        + ", "
        + hosts.size()
        + " hosts, "
        + (isolated() ? "isolated" : "loopback")
        + "]";
  }
}

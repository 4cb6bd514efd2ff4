package dev.baton.lab;

import dev.baton.ssh.CryptoProviders;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * One simulated host: an in-process SSH server (MINA SSHD) on its own loopback address that runs
 * exec requests as real {@code /bin/sh -c} processes in the host's home directory and serves SFTP
 * on the real file system (absolute paths mean the same as in the shell).
 *
 * <p>Its ed25519 host key lives in the state directory and survives restarts, so a known_hosts line
 * stays valid. Any user name is accepted with one of the authorized keys (or the password, when one
 * is set); commands run as the user running this JVM.
 *
 * <pre>{@code
 * try (EmbeddedSshHost host = EmbeddedSshHost.builder()
 *     .address("127.0.0.2").port(0)
 *     .stateDir(dir.resolve("state")).home(dir.resolve("home"))
 *     .authorizedKey(clientPublicKey)
 *     .env(Map.of("DLC", "/opt/dlc", "PATH", "/opt/dlc/bin:/usr/bin:/bin"))
 *     .start()) {
 *   String knownHostsLine = host.hostKeyLine();
 *   int port = host.port();
 * }
 * }</pre>
 */
public final class EmbeddedSshHost implements AutoCloseable {
  static {
    CryptoProviders.configure(); // before MINA SSHD registers its providers
  }

  private static final AtomicInteger SERIAL = new AtomicInteger();

  private final String address;
  private final int requestedPort;
  private final Path stateDir;
  private final Path home;
  private final List<PublicKey> authorizedKeys;
  private final String password;
  private final Map<String, String> environment;
  private final Set<ShellCommand> running = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sessionsOpened = new AtomicInteger();

  private SshServer server;
  private ExecutorService pool;
  private KeyPair hostKey;

  private EmbeddedSshHost(Builder b) {
    this.address = Objects.requireNonNull(b.address, "address");
    this.requestedPort = b.port;
    this.stateDir = Objects.requireNonNull(b.stateDir, "stateDir").toAbsolutePath();
    this.home = Objects.requireNonNull(b.home, "home").toAbsolutePath();
    this.authorizedKeys = List.copyOf(b.authorizedKeys);
    this.password = b.password;
    Map<String, String> env = new LinkedHashMap<>();
    String path = System.getenv("PATH");
    env.put("PATH", path == null || path.isBlank() ? "/usr/local/bin:/usr/bin:/bin" : path);
    env.put("HOME", home.toString());
    env.put("SHELL", "/bin/sh");
    env.put("LANG", "C.UTF-8");
    String user = System.getProperty("user.name");
    if (user != null) {
      env.put("USER", user);
      env.put("LOGNAME", user);
    }
    env.putAll(b.env);
    this.environment = Map.copyOf(env);
    if (authorizedKeys.isEmpty() && password == null) {
      throw new IllegalArgumentException(
          "host " + address + ": give an authorized key or a password, else nobody can log in");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts listening; creates the home and state directories and the host key if missing. */
  public synchronized EmbeddedSshHost start() throws IOException {
    if (server != null) {
      return this;
    }
    Files.createDirectories(home);
    Files.createDirectories(stateDir);
    hostKey = loadOrCreateHostKey(stateDir.resolve("ssh_host_ed25519_key"));
    int serial = SERIAL.incrementAndGet();
    pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "lab-ssh-" + address + "-" + serial);
              t.setDaemon(true);
              return t;
            });
    SshServer s = SshServer.setUpDefaultServer();
    s.setHost(address);
    s.setPort(requestedPort);
    s.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    s.setPublickeyAuthenticator(
        (user, key, session) ->
            authorizedKeys.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
    s.setPasswordAuthenticator(
        password == null ? null : (user, given, session) -> password.equals(given));
    s.setKeyboardInteractiveAuthenticator(null);
    s.setCommandFactory(
        (channel, line) -> new ShellCommand(line, home, environment, pool, running));
    s.setSubsystemFactories(List.of(new SftpSubsystemFactory.Builder().build()));
    s.setFileSystemFactory(new RealFileSystem(home));
    // As OpenSSH's sftp-server: answer reads of up to 256 KiB, with a window that keeps a
    // pipelined transfer moving (what baton's client asks for; see DESIGN.md).
    SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.set(s, 256 * 1024);
    CoreModuleProperties.WINDOW_SIZE.set(s, 16L * 1024 * 1024);
    s.addSessionListener(
        new SessionListener() {
          @Override
          public void sessionCreated(Session session) {
            sessionsOpened.incrementAndGet();
          }
        });
    // ProxyJump through a lab host opens direct-tcpip channels to the next host.
    s.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
    try {
      s.start();
    } catch (IOException e) {
      pool.shutdownNow();
      throw new IOException(
          "cannot start SSH host on " + address + ":" + requestedPort + ": " + e.getMessage(), e);
    }
    server = s;
    return this;
  }

  /** The port it listens on (the ephemeral one chosen when started with port 0). */
  public int port() {
    SshServer s = server;
    if (s == null) {
      throw new IllegalStateException("host " + address + " is not started");
    }
    return s.getPort();
  }

  /** The loopback address it listens on. */
  public String address() {
    return address;
  }

  public Path home() {
    return home;
  }

  public PublicKey hostPublicKey() {
    return hostKey.getPublic();
  }

  /**
   * A known_hosts line for this host: {@code [addr]:port ssh-ed25519 AAAA...} ({@code addr ...}
   * when the port is 22), as OpenSSH writes it.
   */
  public String hostKeyLine() {
    int port = port();
    String name = port == 22 ? address : "[" + address + "]:" + port;
    return name + " " + SshKeys.publicKeyLine(hostKey.getPublic());
  }

  /** How many SSH sessions clients opened since the start (to prove connection reuse). */
  public int sessionsOpened() {
    return sessionsOpened.get();
  }

  /** Closes every session at once, without a goodbye: simulates a lost connection. */
  public void dropConnections() {
    SshServer s = server;
    if (s == null) {
      return;
    }
    for (AbstractSession session : new ArrayList<>(s.getActiveSessions())) {
      session.close(true);
    }
  }

  /** Stops the server and kills every command still running; safe to call twice. */
  @Override
  public synchronized void close() {
    SshServer s = server;
    server = null;
    if (s != null) {
      try {
        s.stop(true);
      } catch (IOException e) {
        // Stopping is best effort; the commands are killed below either way.
      }
    }
    for (ShellCommand command : new ArrayList<>(running)) {
      command.killTree();
    }
    running.clear();
    if (pool != null) {
      pool.shutdownNow();
      pool = null;
    }
  }

  @Override
  public String toString() {
    SshServer s = server;
    return "EmbeddedSshHost[" + address + ":" + (s == null ? "stopped" : s.getPort()) + "]";
  }

  private static KeyPair loadOrCreateHostKey(Path file) throws IOException {
    if (Files.exists(file)) {
      return SshKeys.readKeyPair(file);
    }
    return SshKeys.generateEd25519(file, "baton-lab-host");
  }

  /** The real file system, with the host's home as the user's home directory. */
  private record RealFileSystem(Path home) implements FileSystemFactory {
    @Override
    public Path getUserHomeDir(SessionContext session) {
      return home;
    }

    @Override
    public FileSystem createFileSystem(SessionContext session) {
      return FileSystems.getDefault();
    }
  }

  /** Settings of one host; {@link #start()} builds and starts it. */
  public static final class Builder {
    private String address = "127.0.0.2";
    private int port;
    private Path stateDir;
    private Path home;
    private final List<PublicKey> authorizedKeys = new ArrayList<>();
    private String password;
    private final Map<String, String> env = new LinkedHashMap<>();

    private Builder() {}

    /** Loopback address to bind, one per host (127.0.0.2, 127.0.0.3, ...). */
    public Builder address(String address) {
      this.address = address;
      return this;
    }

    /** 0 (the default) picks a free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Where the host key is kept across restarts. */
    public Builder stateDir(Path stateDir) {
      this.stateDir = stateDir;
      return this;
    }

    /** The user's home: working directory of commands and HOME. */
    public Builder home(Path home) {
      this.home = home;
      return this;
    }

    public Builder authorizedKey(PublicKey key) {
      authorizedKeys.add(Objects.requireNonNull(key));
      return this;
    }

    /** Reads the first key of a {@code .pub} or authorized_keys file. */
    public Builder authorizedKeyFile(Path publicKeyFile) throws IOException {
      return authorizedKey(SshKeys.readPublicKey(publicKeyFile));
    }

    /** Also accept password authentication with this password (off by default). */
    public Builder password(String password) {
      this.password = password;
      return this;
    }

    /** Extra environment of every command (DLC, PATH, ...); wins over the defaults. */
    public Builder env(Map<String, String> env) {
      this.env.putAll(env);
      return this;
    }

    public EmbeddedSshHost build() {
      return new EmbeddedSshHost(this);
    }

    /** Builds and starts the host. */
    public EmbeddedSshHost start() throws IOException {
      return build().start();
    }
  }

  /** The bound socket address, for tests that connect by hand. */
  public SocketAddress socketAddress() {
    return new InetSocketAddress(address, port());
  }
}

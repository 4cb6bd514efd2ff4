package dev.baton.ssh;

import dev.baton.ssh.RemoteException.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.ConfigFileHostEntryResolver;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.SftpModuleProperties;

/**
 * Opens SSH connections for one run. Owns one MINA {@link SshClient}, tuned as measured (see
 * DESIGN.md): TCP_NODELAY, AES-GCM first, curve25519 key exchange first, large SFTP requests and a
 * 16 MiB window. Every connection checks host keys strictly against known_hosts.
 *
 * <pre>{@code
 * try (SshConnector ssh = new SshConnector(SshConnector.Settings.defaults())) {
 *   Remote primary = ssh.connect(HostSpec.of("primary").withAddress("10.0.0.5").withUser("oe"));
 *   ExecResult r = primary.exec("proutil -C busy " + ShellQuote.quote(db), ExecOptions.DEFAULT);
 * }
 * }</pre>
 */
public final class SshConnector implements AutoCloseable {
  static {
    CryptoProviders.configure(); // before MINA SSHD registers its providers
  }

  /** SFTP read/write request size: just under OpenSSH sftp-server's 256 KiB limit. */
  static final int SFTP_CHUNK = 255 * 1024;

  /**
   * How much a host may send before we acknowledge it: OpenSSH's own 2 MiB. A 16 MiB window (with
   * 64 SFTP reads in flight) made OpenSSH 9.2's sshd stall for seconds at ~1 MiB/s between bursts:
   * a cold 1 GiB SFTP read took 24-31 s against 4.4 s with 2 MiB (docs/performance.md).
   */
  static final long WINDOW = 2L * 1024 * 1024;

  /**
   * Settings shared by every connection of a run.
   *
   * @param knownHosts the known_hosts file checked (and appended to with acceptNewHostKeys)
   * @param acceptNewHostKeys accept and record keys of hosts not yet known; never a changed key
   * @param sshConfig OpenSSH client config to honour, or null for none
   * @param agentSocket ssh-agent socket, or null for no agent
   * @param defaultKeyDir where OpenSSH's default keys (id_ed25519, id_ecdsa, id_rsa) are looked
   *     for, or null for none
   * @param keepAlive interval of keepalive requests; the session is declared lost after 4
   *     unanswered ones
   * @param shellSession run short commands without stdin through one long-lived shell per host
   *     ({@link ShellSession}) instead of a new channel each
   */
  public record Settings(
      Path knownHosts,
      boolean acceptNewHostKeys,
      Path sshConfig,
      String agentSocket,
      Path defaultKeyDir,
      Duration keepAlive,
      boolean shellSession) {
    public Settings {
      Objects.requireNonNull(knownHosts, "known_hosts file");
      keepAlive = keepAlive == null ? Duration.ofSeconds(15) : keepAlive;
      agentSocket = agentSocket == null || agentSocket.isBlank() ? null : agentSocket;
    }

    /** As the user's OpenSSH client: ~/.ssh/known_hosts, ~/.ssh/config, SSH_AUTH_SOCK. */
    public static Settings defaults() {
      Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
      return new Settings(
          ssh.resolve("known_hosts"),
          false,
          ssh.resolve("config"),
          System.getenv("SSH_AUTH_SOCK"),
          ssh,
          Duration.ofSeconds(15),
          true);
    }

    /** Nothing from the user's ~/.ssh: only what is given. For tests and the lab. */
    public static Settings isolated(Path knownHosts) {
      return new Settings(knownHosts, false, null, null, null, Duration.ofSeconds(15), true);
    }

    public Settings withKnownHosts(Path file) {
      return new Settings(
          file, acceptNewHostKeys, sshConfig, agentSocket, defaultKeyDir, keepAlive, shellSession);
    }

    public Settings withAcceptNewHostKeys(boolean accept) {
      return new Settings(
          knownHosts, accept, sshConfig, agentSocket, defaultKeyDir, keepAlive, shellSession);
    }

    public Settings withSshConfig(Path file) {
      return new Settings(
          knownHosts, acceptNewHostKeys, file, agentSocket, defaultKeyDir, keepAlive, shellSession);
    }

    public Settings withAgentSocket(String socket) {
      return new Settings(
          knownHosts, acceptNewHostKeys, sshConfig, socket, defaultKeyDir, keepAlive, shellSession);
    }

    public Settings withDefaultKeyDir(Path dir) {
      return new Settings(
          knownHosts, acceptNewHostKeys, sshConfig, agentSocket, dir, keepAlive, shellSession);
    }

    public Settings withShellSession(boolean on) {
      return new Settings(
          knownHosts, acceptNewHostKeys, sshConfig, agentSocket, defaultKeyDir, keepAlive, on);
    }

    public Settings withKeepAlive(Duration interval) {
      return new Settings(
          knownHosts,
          acceptNewHostKeys,
          sshConfig,
          agentSocket,
          defaultKeyDir,
          interval,
          shellSession);
    }
  }

  private final Settings settings;
  private final SshClient client;
  private final HostConfigEntryResolver config;
  private final ExecutorService workers;

  public SshConnector(Settings settings) {
    this.settings = Objects.requireNonNull(settings);
    this.config =
        settings.sshConfig() != null && Files.isRegularFile(settings.sshConfig())
            ? new ConfigFileHostEntryResolver(settings.sshConfig())
            : HostConfigEntryResolver.EMPTY;
    AtomicInteger serial = new AtomicInteger();
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "baton-ssh-" + serial.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.client = newClient();
    client.start();
  }

  private SshClient newClient() {
    SshClient c = SshClient.setUpDefaultClient();
    c.setServerKeyVerifier(
        new KnownHostsVerifier(settings.knownHosts(), settings.acceptNewHostKeys()));
    // baton resolves ~/.ssh/config itself, so that the inventory's values win over it.
    c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    c.setCipherFactories(ciphers());
    c.setMacFactories(macs());
    c.setKeyExchangeFactories(keyExchanges(c.getKeyExchangeFactories()));
    c.setAgentFactory(settings.agentSocket() == null ? null : new AgentFactory());
    CoreModuleProperties.TCP_NODELAY.set(c, true);
    CoreModuleProperties.SOCKET_KEEPALIVE.set(c, true);
    CoreModuleProperties.WINDOW_SIZE.set(c, WINDOW);
    CoreModuleProperties.HEARTBEAT_INTERVAL.set(c, settings.keepAlive());
    CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(c, 4);
    // Commands can run for hours (backups, restores): only keepalives decide that a peer is gone.
    CoreModuleProperties.IDLE_TIMEOUT.set(c, Duration.ZERO);
    CoreModuleProperties.NIO2_READ_TIMEOUT.set(c, Duration.ZERO);
    SftpModuleProperties.READ_BUFFER_SIZE.set(c, SFTP_CHUNK);
    SftpModuleProperties.WRITE_BUFFER_SIZE.set(c, SFTP_CHUNK);
    return c;
  }

  /** AES-GCM is hardware accelerated in the JDK; ChaCha20 is pure Java and slow. */
  static List<NamedFactory<Cipher>> ciphers() {
    List<NamedFactory<Cipher>> list = new ArrayList<>();
    for (BuiltinCiphers c :
        List.of(
            BuiltinCiphers.aes128gcm,
            BuiltinCiphers.aes256gcm,
            BuiltinCiphers.aes128ctr,
            BuiltinCiphers.aes192ctr,
            BuiltinCiphers.aes256ctr,
            BuiltinCiphers.cc20p1305_openssh)) {
      if (c.isSupported()) {
        list.add(c);
      }
    }
    return list;
  }

  static List<NamedFactory<Mac>> macs() {
    List<NamedFactory<Mac>> list = new ArrayList<>();
    for (BuiltinMacs m :
        List.of(
            BuiltinMacs.hmacsha256etm,
            BuiltinMacs.hmacsha512etm,
            BuiltinMacs.hmacsha256,
            BuiltinMacs.hmacsha512,
            BuiltinMacs.hmacsha1etm,
            BuiltinMacs.hmacsha1)) {
      if (m.isSupported()) {
        list.add(m);
      }
    }
    return list;
  }

  /** curve25519 first, then MINA's defaults in their order. */
  static List<KeyExchangeFactory> keyExchanges(List<KeyExchangeFactory> defaults) {
    List<KeyExchangeFactory> list = new ArrayList<>();
    for (BuiltinDHFactories first :
        List.of(BuiltinDHFactories.curve25519, BuiltinDHFactories.curve25519_libssh)) {
      if (first.isSupported()) {
        list.add(ClientBuilder.DH2KEX.apply(first));
      }
    }
    Set<String> taken = new LinkedHashSet<>();
    list.forEach(k -> taken.add(k.getName()));
    for (KeyExchangeFactory k : defaults) {
      if (taken.add(k.getName())) {
        list.add(k);
      }
    }
    return list;
  }

  Settings settings() {
    return settings;
  }

  ExecutorService workers() {
    return workers;
  }

  /**
   * Connects to the host and authenticates, retrying (with backoff) only when the host could not be
   * reached or did not answer in time. The returned Remote keeps one session and reconnects once on
   * the next command after the session was lost.
   */
  public Remote connect(HostSpec spec) throws RemoteException {
    SshRemote remote = new SshRemote(this, spec);
    remote.reconnect();
    return remote;
  }

  /** One SSH session plus the jump sessions it is tunnelled through. */
  record Connection(ClientSession session, List<ClientSession> jumps) {
    void close() {
      session.close(true);
      for (ClientSession jump : jumps) {
        jump.close(true);
      }
    }

    boolean open() {
      return session.isOpen() && !session.isClosing();
    }
  }

  /** Opens a session to the host with retries for UNREACHABLE and CONNECT_TIMEOUT. */
  Connection open(HostSpec spec) throws RemoteException {
    Target target = resolve(spec);
    long backoffMillis = 500;
    for (int attempt = 0; ; attempt++) {
      try {
        return openOnce(spec, target);
      } catch (RemoteException e) {
        boolean retriable = e.kind() == Kind.UNREACHABLE || e.kind() == Kind.CONNECT_TIMEOUT;
        if (!retriable || attempt >= spec.connectRetries()) {
          throw e;
        }
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoffMillis = Math.min(backoffMillis * 2, 8000);
      }
    }
  }

  /** Where and as whom to connect, after merging the inventory with ~/.ssh/config. */
  record Target(
      String label,
      String host,
      int port,
      String user,
      List<Path> identityFiles,
      List<Path> configIdentityFiles,
      String proxyJump) {}

  Target resolve(HostSpec spec) throws RemoteException {
    // As Ansible runs `ssh <ansible_host>`: the config's Host patterns match the address given
    // in the inventory (or the inventory name when there is none), and its HostName may refine it.
    String alias = firstNonBlank(spec.address(), spec.name(), spec.name());
    HostConfigEntry entry = lookup(alias, spec.name());
    String host = firstNonBlank(entry == null ? null : entry.getHostName(), alias, alias);
    int port =
        spec.port() > 0 ? spec.port() : entry != null && entry.getPort() > 0 ? entry.getPort() : 22;
    String user =
        firstNonBlank(
            spec.user(),
            entry == null ? null : entry.getUsername(),
            System.getProperty("user.name"));
    String jump =
        firstNonBlank(spec.proxyJump(), entry == null ? null : entry.getProxyJump(), null);
    if ("none".equalsIgnoreCase(jump)) {
      jump = null;
    }
    return new Target(spec.name(), host, port, user, spec.identityFiles(), identities(entry), jump);
  }

  private HostConfigEntry lookup(String alias, String label) throws RemoteException {
    try {
      return config.resolveEffectiveHost(alias, 0, null, null, null, null);
    } catch (IOException | RuntimeException e) {
      throw new RemoteException(
          Kind.OTHER,
          label,
          label + ": cannot read SSH config " + settings.sshConfig() + ": " + e.getMessage(),
          e);
    }
  }

  private static List<Path> identities(HostConfigEntry entry) {
    List<Path> files = new ArrayList<>();
    Collection<String> ids = entry == null ? null : entry.getIdentities();
    if (ids != null) {
      for (String id : ids) {
        files.add(expandHome(id));
      }
    }
    return files;
  }

  private static Path expandHome(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return Path.of(System.getProperty("user.home") + path.substring(1));
    }
    return Path.of(path);
  }

  private static String firstNonBlank(String a, String b, String c) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    if (b != null && !b.isBlank()) {
      return b;
    }
    return c;
  }

  private Connection openOnce(HostSpec spec, Target target) throws RemoteException {
    long deadline = System.nanoTime() + spec.connectTimeout().toNanos();
    List<ClientSession> jumps = new ArrayList<>();
    try {
      ClientSession via = null;
      if (target.proxyJump() != null) {
        for (String hop : target.proxyJump().split(",")) {
          via = openJump(spec, target, hop.strip(), via, deadline);
          jumps.add(0, via);
        }
      }
      KeyIdentityProvider keys = keys(target, spec.keyPassphrase());
      ClientSession session = openSession(target, spec, keys, spec.password(), via, deadline);
      Connection connection = new Connection(session, List.copyOf(jumps));
      for (ClientSession jump : jumps) {
        // A lost jump host means a lost target session: close it so commands see CONNECTION_LOST.
        jump.addCloseFutureListener(f -> session.close(true));
      }
      return connection;
    } catch (RemoteException | RuntimeException e) {
      for (ClientSession jump : jumps) {
        jump.close(true);
      }
      throw e;
    }
  }

  private ClientSession openJump(
      HostSpec spec, Target target, String hop, ClientSession via, long deadline)
      throws RemoteException {
    String user = null;
    String hostPart = hop;
    int at = hop.lastIndexOf('@');
    if (at >= 0) {
      user = hop.substring(0, at);
      hostPart = hop.substring(at + 1);
    }
    int port = 0;
    String alias = hostPart;
    if (hostPart.startsWith("[")) {
      int close = hostPart.indexOf(']');
      alias = hostPart.substring(1, close);
      if (hostPart.length() > close + 2 && hostPart.charAt(close + 1) == ':') {
        port = parsePort(hostPart.substring(close + 2), spec.name(), hop);
      }
    } else if (hostPart.indexOf(':') >= 0 && hostPart.indexOf(':') == hostPart.lastIndexOf(':')) {
      int colon = hostPart.indexOf(':');
      alias = hostPart.substring(0, colon);
      port = parsePort(hostPart.substring(colon + 1), spec.name(), hop);
    }
    String label = spec.name() + " (jump host " + alias + ")";
    HostConfigEntry entry = lookup(alias, label);
    Target jump =
        new Target(
            label,
            firstNonBlank(entry == null ? null : entry.getHostName(), alias, alias),
            port > 0 ? port : entry != null && entry.getPort() > 0 ? entry.getPort() : 22,
            firstNonBlank(
                user, entry == null ? null : entry.getUsername(), System.getProperty("user.name")),
            target.identityFiles(),
            identities(entry),
            null);
    KeyIdentityProvider keys = keys(jump, spec.keyPassphrase());
    return openSession(jump, spec, keys, null, via, deadline);
  }

  private static int parsePort(String text, String host, String hop) throws RemoteException {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new RemoteException(
          Kind.OTHER, host, host + ": ProxyJump " + hop + " has a bad port " + text, e);
    }
  }

  /**
   * The keys offered, in OpenSSH's order: the inventory's files, the config's IdentityFile entries,
   * then the default ~/.ssh/id_* files. The agent's keys are offered first by MINA itself.
   */
  private KeyIdentityProvider keys(Target target, String passphrase) throws RemoteException {
    List<KeyPair> pairs = new ArrayList<>();
    boolean agent = settings.agentSocket() != null;
    for (Path file : target.identityFiles()) {
      pairs.addAll(loadKey(target, file, passphrase, false, agent));
    }
    for (Path file : target.configIdentityFiles()) {
      if (Files.exists(file)) {
        pairs.addAll(loadKey(target, file, passphrase, false, agent));
      }
    }
    if (settings.defaultKeyDir() != null) {
      for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
        Path file = settings.defaultKeyDir().resolve(name);
        if (Files.isRegularFile(file)) {
          pairs.addAll(loadKey(target, file, passphrase, true, agent));
        }
      }
    }
    return KeyIdentityProvider.wrapKeyPairs(pairs);
  }

  private static List<KeyPair> loadKey(
      Target target, Path file, String passphrase, boolean optional, boolean agent)
      throws RemoteException {
    try {
      return KeyFiles.load(file, passphrase);
    } catch (KeyFiles.EncryptedKeyException e) {
      if (optional || agent) {
        return List
            .of(); // OpenSSH would use the agent's copy of it, or prompt; baton never prompts
      }
      throw new RemoteException(
          Kind.AUTH_FAILED, target.label(), target.label() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      if (optional) {
        return List.of();
      }
      throw new RemoteException(
          Kind.AUTH_FAILED, target.label(), target.label() + ": " + e.getMessage(), e);
    }
  }

  private ClientSession openSession(
      Target target,
      HostSpec spec,
      KeyIdentityProvider keys,
      String password,
      ClientSession via,
      long deadline)
      throws RemoteException {
    HostKeyCheck check = new HostKeyCheck(target.label(), target.host(), target.port());
    AttributeRepository context = AttributeRepository.ofKeyValuePair(HostKeyCheck.KEY, check);
    String where = target.user() + "@" + target.host() + ":" + target.port();
    String connectHost = target.host();
    int connectPort = target.port();
    ExplicitPortForwardingTracker tunnel = null;
    if (via != null) {
      try {
        tunnel =
            via.createLocalPortForwardingTracker(
                new SshdSocketAddress("127.0.0.1", 0),
                new SshdSocketAddress(target.host(), target.port()));
      } catch (IOException e) {
        throw new RemoteException(
            Kind.UNREACHABLE,
            target.label(),
            target.label()
                + ": cannot open a tunnel to "
                + where
                + " through the jump host: "
                + e.getMessage(),
            e);
      }
      connectHost = tunnel.getBoundAddress().getHostName();
      connectPort = tunnel.getBoundAddress().getPort();
    }
    ClientSession session = null;
    try {
      ConnectFuture connecting;
      try {
        connecting = client.connect(target.user(), connectHost, connectPort, context, null);
      } catch (IOException | RuntimeException e) {
        throw classifyConnect(target, where, e);
      }
      if (!await(connecting::await, deadline)) {
        connecting.cancel();
        throw new RemoteException(
            Kind.CONNECT_TIMEOUT,
            target.label(),
            target.label()
                + ": no TCP connection to "
                + where
                + " within "
                + spec.connectTimeout());
      }
      if (connecting.getException() != null) {
        throw classifyConnect(target, where, connecting.getException());
      }
      session = connecting.getSession();
      session.setKeyIdentityProvider(keys);
      if (password != null) {
        session.addPasswordIdentity(password);
      }
      AuthFuture auth;
      try {
        auth = session.auth();
      } catch (IOException e) {
        throw classifyAuth(target, where, check, e);
      }
      ClientSession s = session;
      if (!await(auth::await, deadline)) {
        auth.cancel();
        throw check.refused()
            ? refusal(check)
            : new RemoteException(
                Kind.CONNECT_TIMEOUT,
                target.label(),
                target.label()
                    + ": "
                    + where
                    + (check.accepted()
                        ? " did not finish authentication"
                        : " did not complete the SSH handshake")
                    + " within "
                    + spec.connectTimeout());
      }
      if (!auth.isSuccess() || !s.isAuthenticated()) {
        throw classifyAuth(target, where, check, auth.getException());
      }
      if (tunnel != null) {
        ExplicitPortForwardingTracker t = tunnel;
        session.addCloseFutureListener(f -> closeQuietly(t));
      }
      return session;
    } catch (RemoteException | RuntimeException e) {
      if (session != null) {
        session.close(true);
      }
      if (tunnel != null) {
        closeQuietly(tunnel);
      }
      throw e;
    }
  }

  private interface Awaiter {
    boolean await(long millis) throws IOException;
  }

  private static boolean await(Awaiter awaiter, long deadline) throws RemoteException {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    try {
      return awaiter.await(Math.max(1, left));
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static void closeQuietly(ExplicitPortForwardingTracker tunnel) {
    try {
      tunnel.close();
    } catch (IOException e) {
      // The jump session is going away with it.
    }
  }

  private static RemoteException refusal(HostKeyCheck check) {
    return new RemoteException(check.refusal(), check.inventoryName, check.message());
  }

  private static RemoteException classifyConnect(Target target, String where, Throwable error) {
    Throwable root = rootCause(error);
    String label = target.label();
    if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
      return new RemoteException(
          Kind.UNREACHABLE,
          label,
          label + ": host name " + target.host() + " does not resolve",
          error);
    }
    if (root instanceof ConnectException) {
      return new RemoteException(
          Kind.UNREACHABLE, label, label + ": connection to " + where + " refused", error);
    }
    if (root instanceof NoRouteToHostException) {
      return new RemoteException(Kind.UNREACHABLE, label, label + ": no route to " + where, error);
    }
    if (root instanceof SocketTimeoutException) {
      return new RemoteException(
          Kind.CONNECT_TIMEOUT, label, label + ": TCP connect to " + where + " timed out", error);
    }
    return new RemoteException(
        Kind.UNREACHABLE,
        label,
        label + ": cannot connect to " + where + ": " + describe(root),
        error);
  }

  private static RemoteException classifyAuth(
      Target target, String where, HostKeyCheck check, Throwable error) {
    if (check.refused()) {
      return new RemoteException(check.refusal(), check.inventoryName, check.message(), error);
    }
    String label = target.label();
    if (!check.accepted()) {
      return new RemoteException(
          Kind.UNREACHABLE,
          label,
          label + ": SSH handshake with " + where + " failed: " + describe(rootCause(error)),
          error);
    }
    return new RemoteException(
        Kind.AUTH_FAILED,
        label,
        label + ": " + where + " refused authentication (offered: " + offered(target) + ")",
        error);
  }

  private static String offered(Target target) {
    List<String> what = new ArrayList<>();
    target.identityFiles().forEach(p -> what.add(p.toString()));
    target.configIdentityFiles().forEach(p -> what.add(p.toString()));
    return what.isEmpty()
        ? "agent and default keys"
        : String.join(", ", what) + ", agent and default keys";
  }

  static Throwable rootCause(Throwable t) {
    Throwable root = t;
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  static String describe(Throwable t) {
    if (t == null) {
      return "connection closed";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  /** Stops the client: every session of this run is closed. */
  @Override
  public void close() {
    try {
      client.stop();
    } finally {
      workers.shutdownNow();
    }
  }

  /** Plugs {@link AgentClient} into MINA's public key authentication. */
  private final class AgentFactory implements SshAgentFactory {
    @Override
    public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
      return List.of();
    }

    @Override
    public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
      return new AgentClient(settings.agentSocket());
    }

    @Override
    public SshAgentServer createServer(ConnectionService service) throws IOException {
      throw new IOException("baton does not forward its ssh-agent");
    }
  }
}

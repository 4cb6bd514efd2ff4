package dev.baton.testing;

import dev.baton.lab.EmbeddedSshHost;
import dev.baton.lab.SshKeys;
import dev.baton.ssh.HostSpec;
import dev.baton.ssh.SshConnector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * N embedded SSH hosts for a test, each on its own loopback address (127.0.0.2, 127.0.0.3, ...)
 * with an ephemeral port, a temporary home directory, a generated client ed25519 key pair and a
 * known_hosts file holding every host's key. Everything (servers, running commands, temp files) is
 * gone after the test, even when it fails.
 *
 * <p>As a JUnit 5 extension (started before each test, closed after it; on a {@code static} field
 * it lives for the whole class instead):
 *
 * <pre>{@code
 * @RegisterExtension final TestHosts hosts = TestHosts.withHosts(2);
 *
 * @Test
 * void something() throws Exception {
 *   EmbeddedSshHost primary = hosts.host(0);          // 127.0.0.2
 *   hosts.address(1); hosts.port(1); hosts.home(1);   // 127.0.0.3, its port, its home
 *   hosts.clientKey();     // private key file (OpenSSH format); clientKey() + ".pub" beside it
 *   hosts.knownHosts();    // known_hosts with "[127.0.0.2]:port ssh-ed25519 ..." lines
 *   hosts.user();          // "baton" (any user name is accepted; commands run as this JVM's user)
 *   try (SshConnector ssh = new SshConnector(hosts.settings())) {   // strict, isolated from ~/.ssh
 *     Remote r = ssh.connect(hosts.spec(0));                       // HostSpec "host0"
 *   }
 * }
 * }</pre>
 *
 * <p>Or by hand: {@code try (TestHosts hosts = TestHosts.withHosts(1).start()) { ... }}. Options go
 * before the start: {@code TestHosts.withHosts(2).password("pw").env(Map.of("DLC", "/x"))}. Hosts
 * can be stopped and started again ({@code host(0).close(); hosts.restart(0)}) with the same host
 * key and a new port; {@link #knownHosts()} is rewritten then.
 */
public final class TestHosts
    implements AutoCloseable,
        BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback {
  private final int count;
  private String password;
  private final Map<String, String> env = new LinkedHashMap<>();

  private Path dir;
  private Path clientKey;
  private KeyPair clientKeyPair;
  private Path knownHosts;
  private final List<EmbeddedSshHost> hosts = new ArrayList<>();
  private boolean startedForClass;

  private TestHosts(int count) {
    if (count < 1 || count > 250) {
      throw new IllegalArgumentException("between 1 and 250 hosts, not " + count);
    }
    this.count = count;
  }

  /** A fixture of {@code count} hosts, not yet started. */
  public static TestHosts withHosts(int count) {
    return new TestHosts(count);
  }

  /** Also accept this password on every host (public keys always work). */
  public TestHosts password(String password) {
    this.password = password;
    return this;
  }

  /** Extra environment for every command on every host. */
  public TestHosts env(Map<String, String> env) {
    this.env.putAll(env);
    return this;
  }

  /** Starts everything; safe to call twice. */
  public synchronized TestHosts start() throws IOException {
    if (dir != null) {
      return this;
    }
    dir = Files.createTempDirectory("baton-hosts-");
    try {
      clientKey = dir.resolve("client/id_ed25519");
      clientKeyPair = SshKeys.generateEd25519(clientKey, "baton-test-client");
      for (int i = 0; i < count; i++) {
        hosts.add(newHost(i).start());
      }
      knownHosts = dir.resolve("client/known_hosts");
      writeKnownHosts();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    return this;
  }

  private EmbeddedSshHost newHost(int i) throws IOException {
    EmbeddedSshHost.Builder b =
        EmbeddedSshHost.builder()
            .address(address(i))
            .port(0)
            .stateDir(dir.resolve("host" + i + "/state"))
            .home(dir.resolve("host" + i + "/home"))
            .authorizedKey(clientKeyPair.getPublic())
            .env(env);
    if (password != null) {
      b.password(password);
    }
    return b.start();
  }

  /** Starts host {@code i} again after it was closed (same key, new port). */
  public synchronized EmbeddedSshHost restart(int i) throws IOException {
    hosts.get(i).close();
    EmbeddedSshHost fresh = newHost(i);
    hosts.set(i, fresh);
    writeKnownHosts();
    return fresh;
  }

  private void writeKnownHosts() throws IOException {
    StringBuilder lines = new StringBuilder();
    for (EmbeddedSshHost h : hosts) {
      lines.append(h.hostKeyLine()).append('\n');
    }
    Files.writeString(knownHosts, lines.toString(), StandardCharsets.US_ASCII);
  }

  public EmbeddedSshHost host(int i) {
    return hosts.get(i);
  }

  public List<EmbeddedSshHost> hosts() {
    return List.copyOf(hosts);
  }

  /** 127.0.0.2 for host 0, 127.0.0.3 for host 1, ... */
  public String address(int i) {
    return "127.0.0." + (i + 2);
  }

  public int port(int i) {
    return hosts.get(i).port();
  }

  public Path home(int i) {
    return hosts.get(i).home();
  }

  /** The temp directory holding homes, host state and client files; removed on close. */
  public Path dir() {
    return dir;
  }

  /** The client's private key file (OpenSSH format, unencrypted, mode 0600). */
  public Path clientKey() {
    return clientKey;
  }

  public KeyPair clientKeyPair() {
    return clientKeyPair;
  }

  /** A known_hosts file with one line per host. */
  public Path knownHosts() {
    return knownHosts;
  }

  /** The user name to log in with; the hosts accept any name. */
  public String user() {
    return "baton";
  }

  /**
   * A {@link HostSpec} for host {@code i}: inventory name {@code host<i>}, its address and port,
   * {@link #user()}, the client key, no retries.
   */
  public HostSpec spec(int i) {
    return HostSpec.of("host" + i)
        .withAddress(address(i))
        .withPort(port(i))
        .withUser(user())
        .withIdentityFiles(List.of(clientKey))
        .withConnectRetries(0);
  }

  /** Connector settings that use {@link #knownHosts()} and nothing of the user's ~/.ssh. */
  public SshConnector.Settings settings() {
    return SshConnector.Settings.isolated(knownHosts);
  }

  /** Stops every host (killing running commands) and deletes the temp directory. */
  @Override
  public synchronized void close() {
    for (EmbeddedSshHost h : hosts) {
      h.close();
    }
    hosts.clear();
    if (dir != null) {
      deleteTree(dir);
      dir = null;
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove test directory " + root, e);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    startedForClass = true;
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!startedForClass) {
      close();
    }
  }
}

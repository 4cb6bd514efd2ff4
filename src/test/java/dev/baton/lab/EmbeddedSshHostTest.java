package dev.baton.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testing.TestHosts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedSshHostTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  final TestHosts hosts = TestHosts.withHosts(2).env(Map.of("DLC", "/opt/dlc-test"));

  private SshClient client;

  @BeforeEach
  void startClient() {
    client = SshClient.setUpDefaultClient();
    // Strict: only the keys the fixture wrote to known_hosts are accepted.
    client.setServerKeyVerifier(
        new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, hosts.knownHosts()));
    client.start();
  }

  @AfterEach
  void stopClient() throws Exception {
    client.stop();
  }

  private ClientSession login(int host, KeyPair key) throws Exception {
    ClientSession session =
        client
            .connect(hosts.user(), hosts.address(host), hosts.port(host))
            .verify(WAIT)
            .getSession();
    session.addPublicKeyIdentity(key);
    session.auth().verify(WAIT);
    return session;
  }

  private record Run(int status, String out, String err) {}

  private static Run run(ClientSession session, String command, byte[] stdin) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ChannelExec channel = session.createExecChannel(command)) {
      channel.setIn(new ByteArrayInputStream(stdin));
      channel.setOut(out);
      channel.setErr(err);
      channel.open().verify(WAIT);
      channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
      Integer status = channel.getExitStatus();
      assertThat(status).as("exit status of " + command).isNotNull();
      return new Run(
          status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void execRunsTheLineThroughShInTheHomeWithTheGivenEnvironment() throws Exception {
    try (ClientSession session = login(0, hosts.clientKeyPair())) {
      Run r =
          run(
              session,
              "echo \"a  b\" | tr a A; echo oops >&2; pwd; echo \"$HOME|$DLC\"; exit 3",
              new byte[0]);
      assertThat(r.status()).isEqualTo(3);
      Path home = hosts.home(0);
      assertThat(r.out()).isEqualTo("A  b\n" + home + "\n" + home + "|/opt/dlc-test\n");
      assertThat(r.err()).isEqualTo("oops\n");

      Run cat =
          run(session, "wc -c; cat > got.txt", "hello stdin".getBytes(StandardCharsets.UTF_8));
      assertThat(cat.status()).isZero();
      assertThat(cat.out().strip()).isEqualTo("11");
      assertThat(Files.readString(home.resolve("got.txt"))).isEmpty();
      Run cat2 = run(session, "cat > got.txt", "hello stdin".getBytes(StandardCharsets.UTF_8));
      assertThat(cat2.status()).isZero();
      assertThat(Files.readString(home.resolve("got.txt"))).isEqualTo("hello stdin");
    }
  }

  @Test
  void sftpWritesAndReadsRealFilesAtAbsolutePaths() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(7).nextBytes(data);
    String path = hosts.home(1).resolve("sub/blob.bin").toString();
    try (ClientSession session = login(1, hosts.clientKeyPair());
        SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
      sftp.mkdir(hosts.home(1).resolve("sub").toString());
      try (OutputStream out = sftp.write(path)) {
        out.write(data);
      }
      assertThat(Files.readAllBytes(Path.of(path))).isEqualTo(data);
      assertThat(run(session, "wc -c < sub/blob.bin", new byte[0]).out().strip())
          .isEqualTo(String.valueOf(data.length));
      try (InputStream in = sftp.read(path)) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
    }
  }

  @Test
  void hostKeySurvivesARestartAndTheKnownHostsLineNamesThePort() throws Exception {
    String before = SshKeys.publicKeyLine(hosts.host(0).hostPublicKey());
    assertThat(hosts.host(0).hostKeyLine())
        .isEqualTo("[127.0.0.2]:" + hosts.port(0) + " " + before);
    hosts.restart(0);
    assertThat(SshKeys.publicKeyLine(hosts.host(0).hostPublicKey())).isEqualTo(before);
    assertThat(SshKeys.publicKeyLine(hosts.host(1).hostPublicKey())).isNotEqualTo(before);
    try (ClientSession session = login(0, hosts.clientKeyPair())) {
      assertThat(run(session, "echo back", new byte[0]).out()).isEqualTo("back\n");
    }
  }

  @Test
  void aKeyThatIsNotAuthorizedIsRefused() throws Exception {
    KeyPair stranger = SshKeys.generateEd25519(hosts.dir().resolve("stranger"), "stranger");
    assertThatThrownBy(() -> login(0, stranger).close())
        .hasMessageContaining("No more authentication methods");
  }

  @Test
  void droppingConnectionsKillsTheRunningCommandTree() throws Exception {
    Path pidFile = hosts.home(0).resolve("pid");
    try (ClientSession session = login(0, hosts.clientKeyPair())) {
      ChannelExec channel = session.createExecChannel("sleep 30 & echo $! > pid; wait");
      channel.open().verify(WAIT);
      long pid = awaitPid(pidFile);
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
      hosts.host(0).dropConnections();
      session.waitFor(
          EnumSet.of(org.apache.sshd.client.session.ClientSession.ClientSessionEvent.CLOSED), WAIT);
      assertThat(session.isOpen()).isFalse();
      awaitDead(pid);
    }
  }

  private static long awaitPid(Path pidFile) throws InterruptedException, java.io.IOException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(pidFile)) {
        String text = Files.readString(pidFile).strip();
        if (!text.isEmpty()) {
          return Long.parseLong(text);
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the command never wrote " + pidFile);
  }

  private static void awaitDead(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("process " + pid + " still runs after its connection dropped");
  }
}

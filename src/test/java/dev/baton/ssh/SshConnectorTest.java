package dev.baton.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.lab.SshKeys;
import dev.baton.ssh.RemoteException.Kind;
import dev.baton.testing.Needs;
import dev.baton.testing.TestHosts;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SshConnectorTest {
  @RegisterExtension final TestHosts hosts = TestHosts.withHosts(2);

  private SshConnector ssh;

  @BeforeEach
  void connector() {
    ssh = new SshConnector(hosts.settings());
  }

  @AfterEach
  void closeConnector() {
    ssh.close();
  }

  @Test
  void execReturnsStdoutStderrAndExitCode() throws Exception {
    try (Remote r = ssh.connect(hosts.spec(0))) {
      ExecResult result = r.exec("echo out; echo err >&2; exit 7", ExecOptions.DEFAULT);
      assertThat(result.exitCode()).isEqualTo(7);
      assertThat(result.stdout()).isEqualTo("out\n");
      assertThat(result.stderr()).isEqualTo("err\n");
      assertThat(r.exec("true", ExecOptions.DEFAULT).ok()).isTrue();
      assertThat(r.host()).isEqualTo("host0");
    }
  }

  @Test
  void stdinIsFedThenClosed() throws Exception {
    try (Remote r = ssh.connect(hosts.spec(0))) {
      byte[] data = new byte[300_000];
      new Random(1).nextBytes(data);
      ExecResult result =
          r.exec("cat > in.bin; wc -c < in.bin", ExecOptions.DEFAULT.withStdin(data));
      assertThat(result.stdout().strip()).isEqualTo("300000");
      assertThat(Files.readAllBytes(hosts.home(0).resolve("in.bin"))).isEqualTo(data);
      // No stdin: EOF at once, so cat ends instead of hanging.
      assertThat(r.exec("cat; echo done", ExecOptions.DEFAULT).stdout()).isEqualTo("done\n");
    }
  }

  @Test
  void hostileValuesArriveAsDataThroughEnvAndQuoting() throws Exception {
    String hostile =
        "a  b 'single' \"double\" ; $(touch pwned1) `touch pwned2` \\ $HOME\nsecond line *";
    try (Remote r = ssh.connect(hosts.spec(0))) {
      ExecResult viaEnv =
          r.exec(
              "printf '%s' \"$V\"; printf '|%s' \"$W\"",
              ExecOptions.DEFAULT.withEnv(Map.of("V", hostile, "W", "")));
      assertThat(viaEnv.stdout()).isEqualTo(hostile + "|");
      ExecResult viaArg = r.exec("printf '%s' " + ShellQuote.quote(hostile), ExecOptions.DEFAULT);
      assertThat(viaArg.stdout()).isEqualTo(hostile);
      // The env prefix covers the whole line, pipes included.
      ExecResult piped =
          r.exec(
              "echo \"$V\" | tr a-z A-Z; echo \"$V\"",
              ExecOptions.DEFAULT.withEnv(Map.of("V", "x y")));
      assertThat(piped.stdout()).isEqualTo("X Y\nx y\n");
      assertThat(hosts.home(0).resolve("pwned1")).doesNotExist();
      assertThat(hosts.home(0).resolve("pwned2")).doesNotExist();
      assertThatThrownBy(() -> r.exec("true", ExecOptions.DEFAULT.withEnv(Map.of("A;rm", "x"))))
          .isInstanceOf(RemoteException.class)
          .hasMessageContaining("not valid");
    }
  }

  @Test
  void manyCommandsShareOneSession() throws Exception {
    int before = hosts.host(0).sessionsOpened();
    try (Remote r = ssh.connect(hosts.spec(0))) {
      for (int i = 0; i < 40; i++) {
        assertThat(r.exec("echo " + i, ExecOptions.DEFAULT).stdout()).isEqualTo(i + "\n");
      }
      RemoteFiles files = r.files();
      files.stat(hosts.home(0).toString());
      assertThat(r.exec("echo last", ExecOptions.DEFAULT).stdout()).isEqualTo("last\n");
    }
    assertThat(hosts.host(0).sessionsOpened() - before).isEqualTo(1);
  }

  @Test
  void sftpReadsWritesAppendsRenamesAndStats() throws Exception {
    Path home = hosts.home(0);
    byte[] data = new byte[2 * 1024 * 1024 + 12345];
    new Random(2).nextBytes(data);
    try (Remote r = ssh.connect(hosts.spec(0))) {
      RemoteFiles files = r.files();
      String dir = home.resolve("a/b/c").toString();
      files.mkdirs(dir, 0750);
      files.mkdirs(dir, 0750);
      assertThat(Files.isDirectory(home.resolve("a/b/c"))).isTrue();
      FileStat dirStat = files.stat(dir).orElseThrow();
      assertThat(dirStat.isDirectory()).isTrue();
      assertThat(dirStat.mode()).isEqualTo(0750);

      String part = dir + "/db.bak.part";
      try (OutputStream out = files.openWrite(part, false, 0640)) {
        out.write(data, 0, 1_000_000);
      }
      // Resume: append the rest after what is already there.
      long have = files.stat(part).orElseThrow().size();
      assertThat(have).isEqualTo(1_000_000);
      try (OutputStream out = files.openWrite(part, true, 0640)) {
        out.write(data, (int) have, data.length - (int) have);
      }
      String done = dir + "/db.bak";
      Files.writeString(home.resolve("a/b/c/db.bak"), "old");
      files.rename(part, done);
      assertThat(Files.readAllBytes(Path.of(done))).isEqualTo(data);
      assertThat(files.stat(part)).isEmpty();

      FileStat st = files.stat(done).orElseThrow();
      assertThat(st.isFile()).isTrue();
      assertThat(st.size()).isEqualTo(data.length);
      assertThat(st.mode()).isEqualTo(0640);
      assertThat(st.mtimeEpochSeconds())
          .isEqualTo(Files.getLastModifiedTime(Path.of(done)).toMillis() / 1000);

      try (InputStream in = files.openRead(done, 0)) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
      try (InputStream in = files.openRead(done, 1_500_000)) {
        byte[] tail = in.readAllBytes();
        assertThat(tail.length).isEqualTo(data.length - 1_500_000);
        assertThat(tail[0]).isEqualTo(data[1_500_000]);
      }

      files.chmod(done, 0600);
      assertThat(files.stat(done).orElseThrow().mode()).isEqualTo(0600);
      assertThat(files.freeSpace(dir)).isPositive();
      assertThatThrownBy(() -> files.openRead(dir + "/missing", 0))
          .isInstanceOf(java.nio.file.NoSuchFileException.class);

      files.delete(done);
      files.delete(done);
      assertThat(Path.of(done)).doesNotExist();
      files.delete(dir);
      assertThat(Path.of(dir)).doesNotExist();
    }
  }

  @Test
  void unknownHostKeyIsRefusedAndNothingRuns() throws Exception {
    Path empty = hosts.dir().resolve("empty_known_hosts");
    Files.writeString(empty, "");
    int before = hosts.host(0).sessionsOpened();
    try (SshConnector strict = new SshConnector(SshConnector.Settings.isolated(empty))) {
      assertThatThrownBy(() -> strict.connect(hosts.spec(0)))
          .isInstanceOfSatisfying(
              RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.HOST_KEY_UNKNOWN))
          .hasMessageContaining("host0")
          .hasMessageContaining(SshKeys.fingerprint(hosts.host(0).hostPublicKey()))
          .hasMessageContaining("--accept-new-host-keys");
    }
    assertThat(Files.readString(empty)).isEmpty();
    // The handshake happened, but no command channel was ever opened.
    assertThat(hosts.host(0).sessionsOpened() - before).isEqualTo(1);
    assertThat(hosts.home(0)).isEmptyDirectory();
  }

  @Test
  void changedHostKeyIsRefusedEvenWhenAcceptingNewKeys() throws Exception {
    Path forged = hosts.dir().resolve("forged_known_hosts");
    // host1's key recorded under host0's name: host0 now looks like an impostor.
    String host1Key = SshKeys.publicKeyLine(hosts.host(1).hostPublicKey());
    Files.writeString(forged, "[127.0.0.2]:" + hosts.port(0) + " " + host1Key + "\n");
    for (boolean acceptNew : List.of(false, true)) {
      try (SshConnector c =
          new SshConnector(
              SshConnector.Settings.isolated(forged).withAcceptNewHostKeys(acceptNew))) {
        assertThatThrownBy(() -> c.connect(hosts.spec(0)))
            .isInstanceOfSatisfying(
                RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.HOST_KEY_CHANGED))
            .hasMessageContaining("host0")
            .hasMessageContaining(forged.toString())
            .hasMessageContaining(SshKeys.fingerprint(hosts.host(0).hostPublicKey()))
            .hasMessageContaining(SshKeys.fingerprint(hosts.host(1).hostPublicKey()));
      }
    }
    assertThat(Files.readString(forged))
        .isEqualTo("[127.0.0.2]:" + hosts.port(0) + " " + host1Key + "\n");
  }

  @Test
  void acceptNewHostKeysRecordsTheKeyThenChecksIt() throws Exception {
    Path file = hosts.dir().resolve("new/known_hosts");
    try (SshConnector c =
        new SshConnector(SshConnector.Settings.isolated(file).withAcceptNewHostKeys(true))) {
      try (Remote r = c.connect(hosts.spec(0))) {
        assertThat(r.exec("echo hi", ExecOptions.DEFAULT).stdout()).isEqualTo("hi\n");
      }
    }
    assertThat(Files.readAllLines(file)).containsExactly(hosts.host(0).hostKeyLine());
    try (SshConnector strict = new SshConnector(SshConnector.Settings.isolated(file));
        Remote r = strict.connect(hosts.spec(0))) {
      assertThat(r.exec("echo again", ExecOptions.DEFAULT).stdout()).isEqualTo("again\n");
    }
  }

  @Test
  void hashedKnownHostsLinesAsOpenSshWritesThemAreRecognised() throws Exception {
    Needs.command("ssh-keygen", "hashed known_hosts written by ssh-keygen -H");
    Path hashed = hosts.dir().resolve("hashed_known_hosts");
    Files.copy(hosts.knownHosts(), hashed);
    Process p =
        new ProcessBuilder("ssh-keygen", "-H", "-f", hashed.toString())
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    assertThat(Files.readString(hashed)).startsWith("|1|").doesNotContain("127.0.0.2");
    try (SshConnector c = new SshConnector(SshConnector.Settings.isolated(hashed));
        Remote r = c.connect(hosts.spec(1))) {
      assertThat(r.exec("echo hashed", ExecOptions.DEFAULT).stdout()).isEqualTo("hashed\n");
    }
  }

  @Test
  void aKeyTheHostDoesNotKnowFailsAuthentication() throws Exception {
    Path stranger = hosts.dir().resolve("stranger");
    SshKeys.generateEd25519(stranger, "stranger");
    HostSpec spec = hosts.spec(0).withIdentityFiles(List.of(stranger)).withConnectRetries(3);
    int before = hosts.host(0).sessionsOpened();
    assertThatThrownBy(() -> ssh.connect(spec))
        .isInstanceOfSatisfying(
            RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED))
        .hasMessageContaining("host0")
        .hasMessageContaining("refused authentication")
        .hasMessageContaining(stranger.toString());
    // Authentication failures are never retried (that would only lock the account sooner).
    assertThat(hosts.host(0).sessionsOpened() - before).isEqualTo(1);
  }

  @Test
  void aHostThatHangsUpDuringTheHandshakeIsRetriedThenUnreachable() throws Exception {
    java.util.concurrent.atomic.AtomicInteger accepted =
        new java.util.concurrent.atomic.AtomicInteger();
    try (ServerSocket hangsUp = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
      Thread acceptor =
          new Thread(
              () -> {
                while (!hangsUp.isClosed()) {
                  try (java.net.Socket s = hangsUp.accept()) {
                    accepted.incrementAndGet();
                  } catch (java.io.IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      HostSpec spec =
          hosts
              .spec(0)
              .withAddress("127.0.0.1")
              .withPort(hangsUp.getLocalPort())
              .withConnectRetries(2);
      assertThatThrownBy(() -> ssh.connect(spec))
          .isInstanceOfSatisfying(
              RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
          .hasMessageContaining("host0");
      assertThat(accepted.get()).isEqualTo(3);
    }
  }

  @Test
  void passwordAuthenticationWorksAndAWrongPasswordIsAuthFailed() throws Exception {
    try (TestHosts withPassword = TestHosts.withHosts(1).password("s3cret pass").start();
        SshConnector c = new SshConnector(withPassword.settings())) {
      HostSpec base = withPassword.spec(0).withIdentityFiles(List.of());
      try (Remote r = c.connect(base.withPassword("s3cret pass"))) {
        assertThat(r.exec("echo in", ExecOptions.DEFAULT).stdout()).isEqualTo("in\n");
      }
      assertThatThrownBy(() -> c.connect(base.withPassword("wrong-horse")))
          .isInstanceOfSatisfying(
              RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-horse"));
      assertThat(base.withPassword("wrong-horse").toString()).doesNotContain("wrong-horse");
    }
  }

  @Test
  void encryptedKeyNeedsItsPassphrase() throws Exception {
    Path encrypted = hosts.dir().resolve("enc_ed25519");
    java.security.KeyPair pair = hosts.clientKeyPair();
    org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext ctx =
        new org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext();
    ctx.setPassword("open sesame");
    ctx.setCipherName("AES");
    ctx.setCipherMode("CTR");
    ctx.setCipherType("256");
    try (OutputStream out = Files.newOutputStream(encrypted)) {
      org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter.INSTANCE
          .writePrivateKey(pair, "enc", ctx, out);
    }
    HostSpec spec = hosts.spec(0).withIdentityFiles(List.of(encrypted));
    assertThatThrownBy(() -> ssh.connect(spec))
        .isInstanceOfSatisfying(
            RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED))
        .hasMessageContaining(encrypted.toString())
        .hasMessageContaining("encrypted");
    try (Remote r = ssh.connect(spec.withKeyPassphrase("open sesame"))) {
      assertThat(r.exec("echo unlocked", ExecOptions.DEFAULT).stdout()).isEqualTo("unlocked\n");
    }
    assertThatThrownBy(() -> ssh.connect(spec.withKeyPassphrase("nope")))
        .isInstanceOfSatisfying(
            RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED))
        .hasMessageContaining(encrypted.toString())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("nope"));
  }

  @Test
  void aClosedPortIsUnreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    HostSpec spec = hosts.spec(0).withAddress("127.0.0.1").withPort(port).withConnectRetries(1);
    assertThatThrownBy(() -> ssh.connect(spec))
        .isInstanceOfSatisfying(
            RemoteException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
              assertThat(e.unreachable()).isTrue();
            })
        .hasMessageContaining("host0")
        .hasMessageContaining("127.0.0.1:" + port);
  }

  @Test
  void aServerThatNeverAnswersIsAConnectTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
      HostSpec spec =
          hosts
              .spec(0)
              .withAddress("127.0.0.1")
              .withPort(silent.getLocalPort())
              .withConnectTimeout(Duration.ofMillis(800));
      assertThatThrownBy(() -> ssh.connect(spec))
          .isInstanceOfSatisfying(
              RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONNECT_TIMEOUT))
          .hasMessageContaining("host0");
    }
  }

  @Test
  void aCommandOverItsTimeoutIsStoppedAndTheSessionStaysUsable() throws Exception {
    try (Remote r = ssh.connect(hosts.spec(0))) {
      assertThatThrownBy(
              () ->
                  r.exec(
                      "echo $$ > pid; exec sleep 30",
                      ExecOptions.DEFAULT.withTimeout(Duration.ofMillis(700))))
          .isInstanceOfSatisfying(
              RemoteException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(Kind.COMMAND_TIMEOUT);
                assertThat(e.unreachable()).isFalse();
              })
          .hasMessageContaining("host0")
          .hasMessageContaining("sleep 30");
      long pid = Long.parseLong(Files.readString(hosts.home(0).resolve("pid")).strip());
      awaitDead(pid);
      assertThat(r.exec("echo alive", ExecOptions.DEFAULT).stdout()).isEqualTo("alive\n");
    }
  }

  @Test
  void aDroppedConnectionMidCommandIsConnectionLostThenReconnects() throws Exception {
    try (Remote r = ssh.connect(hosts.spec(0))) {
      CompletableFuture<ExecResult> running =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return r.exec(
                      "echo started > mark; sleep 30; echo finished", ExecOptions.DEFAULT);
                } catch (RemoteException e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              });
      Path mark = hosts.home(0).resolve("mark");
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!Files.exists(mark) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(mark).exists();
      hosts.host(0).dropConnections();
      assertThatThrownBy(running::join)
          .cause()
          .isInstanceOfSatisfying(
              RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONNECTION_LOST))
          .hasMessageContaining("host0")
          .hasMessageContaining("sleep 30");
      // The next command opens a fresh session.
      assertThat(r.exec("echo back", ExecOptions.DEFAULT).stdout()).isEqualTo("back\n");
    }
  }

  @Test
  void aTransferCutOffByALostSessionFailsAsConnectionLostAndCanResume() throws Exception {
    byte[] chunk = new byte[1024 * 1024];
    new Random(4).nextBytes(chunk);
    String path = hosts.home(0).resolve("upload.part").toString();
    try (Remote r = ssh.connect(hosts.spec(0))) {
      RemoteFiles files = r.files();
      java.io.IOException failure = null;
      OutputStream out = files.openWrite(path, false, 0600);
      try {
        out.write(chunk);
        out.flush();
        hosts.host(0).dropConnections();
        for (int i = 0; i < 64; i++) {
          out.write(chunk);
        }
        out.close();
      } catch (java.io.IOException e) {
        failure = e;
      }
      assertThat(failure).as("writing after the session dropped must fail").isNotNull();
      assertThat(failure.getCause())
          .isInstanceOfSatisfying(
              RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONNECTION_LOST))
          .hasMessageContaining("host0")
          .hasMessageContaining("upload.part");
      // Resume on a fresh session: append the rest of two chunks after whatever arrived.
      // MINA's async SFTP flush() does not wait for the server's acks, so how much of the first
      // chunk landed before the drop is a race: anything from nothing to the two chunks.
      long have = files.stat(path).orElseThrow().size();
      assertThat(have).isBetween(0L, 2L * chunk.length);
      byte[] expected = new byte[2 * chunk.length];
      System.arraycopy(chunk, 0, expected, 0, chunk.length);
      System.arraycopy(chunk, 0, expected, chunk.length, chunk.length);
      try (OutputStream again = files.openWrite(path, true, 0600)) {
        again.write(expected, (int) have, expected.length - (int) have);
      }
      assertThat(Files.readAllBytes(Path.of(path))).isEqualTo(expected);
    }
  }

  @Test
  void sshConfigSuppliesHostNamePortUserKeyAndProxyJumpButTheInventoryWins() throws Exception {
    Path config = hosts.dir().resolve("ssh_config");
    Files.writeString(
        config,
        String.join(
            "\n",
            "Host target",
            "  HostName 127.0.0.3",
            "  Port " + hosts.port(1),
            "  User baton",
            "  IdentityFile " + hosts.clientKey(),
            "  ProxyJump jumpbox",
            "Host jumpbox",
            "  HostName 127.0.0.2",
            "  Port " + hosts.port(0),
            "  User baton",
            "  IdentityFile " + hosts.clientKey(),
            "Host wrongport",
            "  HostName 127.0.0.3",
            "  Port 1",
            "  IdentityFile " + hosts.clientKey(),
            ""));
    int jumpBefore = hosts.host(0).sessionsOpened();
    int targetBefore = hosts.host(1).sessionsOpened();
    try (SshConnector c = new SshConnector(hosts.settings().withSshConfig(config))) {
      try (Remote r = c.connect(HostSpec.of("target").withConnectRetries(0))) {
        ExecResult pwd = r.exec("pwd", ExecOptions.DEFAULT);
        assertThat(pwd.stdout().strip()).isEqualTo(hosts.home(1).toString());
        try (OutputStream out = r.files().openWrite(hosts.home(1) + "/via-jump.txt", false, 0644)) {
          out.write("through the jump".getBytes(UTF_8));
        }
      }
      assertThat(Files.readString(hosts.home(1).resolve("via-jump.txt")))
          .isEqualTo("through the jump");
      assertThat(hosts.host(0).sessionsOpened() - jumpBefore).isEqualTo(1);
      assertThat(hosts.host(1).sessionsOpened() - targetBefore).isEqualTo(1);

      // As with Ansible, an inventory address (ansible_host) is what the config's Host matches.
      try (Remote r = c.connect(HostSpec.of("db1").withAddress("target").withConnectRetries(0))) {
        assertThat(r.host()).isEqualTo("db1");
        assertThat(r.exec("pwd", ExecOptions.DEFAULT).stdout().strip())
            .isEqualTo(hosts.home(1).toString());
      }

      // The inventory's port wins over the config's wrong one.
      try (Remote r =
          c.connect(
              HostSpec.of("wrongport")
                  .withPort(hosts.port(1))
                  .withUser("baton")
                  .withConnectRetries(0))) {
        assertThat(r.exec("echo ok", ExecOptions.DEFAULT).stdout()).isEqualTo("ok\n");
      }
      assertThatThrownBy(() -> c.connect(HostSpec.of("wrongport").withConnectRetries(0)))
          .isInstanceOfSatisfying(
              RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE));
    }
  }

  @Test
  void proxyJumpFromTheInventory() throws Exception {
    int jumpBefore = hosts.host(0).sessionsOpened();
    HostSpec spec = hosts.spec(1).withProxyJump("baton@127.0.0.2:" + hosts.port(0));
    try (Remote r = ssh.connect(spec)) {
      assertThat(r.exec("echo hopped", ExecOptions.DEFAULT).stdout()).isEqualTo("hopped\n");
    }
    assertThat(hosts.host(0).sessionsOpened() - jumpBefore).isEqualTo(1);
  }

  static void awaitDead(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("process " + pid + " still runs");
  }
}

package dev.baton.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.lab.SshKeys;
import dev.baton.ssh.RemoteException.Kind;
import dev.baton.testing.Needs;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real OpenSSH {@code sshd} on loopback: what the embedded server cannot prove
 * (OpenSSH's SFTP server limits and extensions, the kill of a timed-out command).
 */
class OpenSshServerTest {
  @TempDir Path dir;
  private Process sshd;
  private int port;
  private Path knownHosts;
  private Path clientKey;

  @BeforeEach
  void startSshd() throws Exception {
    Path binary = Path.of(System.getProperty("baton.sshd", "/usr/sbin/sshd"));
    Needs.that(Files.isExecutable(binary), "an OpenSSH sshd at " + binary, "client vs OpenSSH");
    Needs.that(
        "root".equals(System.getProperty("user.name")),
        "root (sshd checks the login user's files)",
        "client vs OpenSSH");
    Path hostKey = dir.resolve("ssh_host_ed25519_key");
    SshKeys.generateEd25519(hostKey, "host");
    clientKey = dir.resolve("id_ed25519");
    SshKeys.generateEd25519(clientKey, "client");
    Files.copy(dir.resolve("id_ed25519.pub"), dir.resolve("authorized_keys"));
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    Path config = dir.resolve("sshd_config");
    Files.writeString(
        config,
        String.join(
            "\n",
            "Port " + port,
            "ListenAddress 127.0.0.1",
            "HostKey " + hostKey,
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "PidFile " + dir.resolve("sshd.pid"),
            "StrictModes no",
            "UsePAM no",
            "PermitRootLogin yes",
            "PasswordAuthentication no",
            "Subsystem sftp internal-sftp",
            ""));
    Files.createDirectories(Path.of("/run/sshd"));
    sshd =
        new ProcessBuilder(
                binary.toString(),
                "-D",
                "-E",
                dir.resolve("sshd.log").toString(),
                "-f",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.out").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    boolean up = false;
    while (!up && System.nanoTime() < deadline && sshd.isAlive()) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        up = true;
      } catch (java.io.IOException e) {
        Thread.sleep(50);
      }
    }
    assertThat(up).as("sshd started: " + Files.readString(dir.resolve("sshd.log"))).isTrue();
    knownHosts = dir.resolve("known_hosts");
    Files.writeString(
        knownHosts,
        "[127.0.0.1]:"
            + port
            + " "
            + SshKeys.publicKeyLine(SshKeys.readKeyPair(hostKey).getPublic())
            + "\n");
  }

  @AfterEach
  void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      sshd.destroy();
      if (!sshd.waitFor(10, TimeUnit.SECONDS)) {
        sshd.destroyForcibly();
      }
    }
  }

  private HostSpec spec() {
    return HostSpec.of("openssh")
        .withAddress("127.0.0.1")
        .withPort(port)
        .withUser("root")
        .withIdentityFiles(List.of(clientKey))
        .withConnectRetries(0);
  }

  @Test
  void execSftpAndTimeoutAgainstOpenSsh() throws Exception {
    try (SshConnector ssh = new SshConnector(SshConnector.Settings.isolated(knownHosts));
        Remote r = ssh.connect(spec())) {
      ExecResult result = r.exec("echo out; echo err >&2; exit 3", ExecOptions.DEFAULT);
      assertThat(result.exitCode()).isEqualTo(3);
      assertThat(result.stdout()).isEqualTo("out\n");
      assertThat(result.stderr()).isEqualTo("err\n");

      byte[] data = new byte[3 * 1024 * 1024 + 5];
      new Random(5).nextBytes(data);
      RemoteFiles files = r.files();
      String sub = dir.resolve("remote/d").toString();
      files.mkdirs(sub, 0750);
      String part = sub + "/f.part";
      try (OutputStream out = files.openWrite(part, false, 0640)) {
        out.write(data, 0, 1_000_000);
      }
      try (OutputStream out = files.openWrite(part, true, 0640)) {
        out.write(data, 1_000_000, data.length - 1_000_000);
      }
      Files.writeString(Path.of(sub, "f"), "old");
      files.rename(part, sub + "/f");
      assertThat(Files.readAllBytes(Path.of(sub, "f"))).isEqualTo(data);
      assertThat(files.stat(sub + "/f").orElseThrow().mode()).isEqualTo(0640);
      try (InputStream in = files.openRead(sub + "/f", 2_000_000)) {
        assertThat(in.readAllBytes()).hasSize(data.length - 2_000_000);
      }
      assertThat(files.freeSpace(sub)).isPositive();

      assertThatThrownBy(
              () ->
                  r.exec(
                      "echo $$ > "
                          + ShellQuote.quote(dir.resolve("pid").toString())
                          + "; exec sleep 30",
                      ExecOptions.DEFAULT.withTimeout(Duration.ofMillis(800))))
          .isInstanceOfSatisfying(
              RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.COMMAND_TIMEOUT));
      long pid =
          Long.parseLong(Files.readString(dir.resolve("pid"), StandardCharsets.UTF_8).strip());
      // The command ran in the shell session, which knows its pid and kills it from another
      // channel: it ends even for a root login, where OpenSSH refuses the "signal" request
      // ("session signalling requires privilege separation").
      SshConnectorTest.awaitDead(pid);
      assertThat(r.exec("echo still", ExecOptions.DEFAULT).stdout()).isEqualTo("still\n");
    }
  }

  @Test
  void aForcedCommandThatRefusesTheShellSessionLeavesAChannelPerCommand() throws Exception {
    // A restricted key: the wrapper runs ordinary commands but refuses a shell reading stdin.
    String wrapper =
        "case \\\"$SSH_ORIGINAL_COMMAND\\\" in 'exec /bin/sh -c'*) echo refused >&2; exit 1;;"
            + " esac; exec /bin/sh -c \\\"$SSH_ORIGINAL_COMMAND\\\"";
    Files.writeString(
        dir.resolve("authorized_keys"),
        "command=\"" + wrapper + "\" " + Files.readString(dir.resolve("id_ed25519.pub")));
    try (SshConnector ssh = new SshConnector(SshConnector.Settings.isolated(knownHosts));
        Remote r = ssh.connect(spec())) {
      ExecResult first = r.exec("cat /proc/$PPID/comm; exit 4", ExecOptions.DEFAULT);
      assertThat(first.exitCode()).isEqualTo(4);
      // Each command's parent is sshd itself, not a shell session.
      assertThat(first.stdout()).isEqualTo("sshd\n");
      assertThat(r.exec("cat /proc/$PPID/comm", ExecOptions.DEFAULT).stdout()).isEqualTo("sshd\n");
    }
  }
}

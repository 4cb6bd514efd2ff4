package dev.baton.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.lab.EmbeddedSshHost;
import dev.baton.lab.SshKeys;
import dev.baton.ssh.RemoteException.Kind;
import dev.baton.testing.Needs;
import dev.baton.testing.TestHosts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Identity files of every key type OpenSSH writes, and keys held by a real ssh-agent. */
class KeysAndAgentTest {
  @RegisterExtension final TestHosts hosts = TestHosts.withHosts(1);

  private static void run(Path dir, String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", argv) + " failed: " + out);
    }
  }

  @Test
  void identityFilesWrittenBySshKeygenWorkForEveryKeyType() throws Exception {
    Needs.command("ssh-keygen", "key files written by OpenSSH");
    Path dir = hosts.dir().resolve("keygen");
    Files.createDirectories(dir);
    List<String> types = List.of("ed25519", "rsa", "ecdsa");
    EmbeddedSshHost.Builder builder =
        EmbeddedSshHost.builder()
            .address("127.0.0.9")
            .stateDir(dir.resolve("state"))
            .home(dir.resolve("home"));
    for (String type : types) {
      run(dir, "ssh-keygen", "-q", "-t", type, "-N", "", "-f", "id_" + type);
      builder.authorizedKeyFile(dir.resolve("id_" + type + ".pub"));
    }
    try (EmbeddedSshHost host = builder.start()) {
      Path knownHosts = dir.resolve("known_hosts");
      Files.writeString(knownHosts, host.hostKeyLine() + "\n");
      try (SshConnector ssh = new SshConnector(SshConnector.Settings.isolated(knownHosts))) {
        for (String type : types) {
          HostSpec spec =
              HostSpec.of("keygen-" + type)
                  .withAddress("127.0.0.9")
                  .withPort(host.port())
                  .withUser("baton")
                  .withIdentityFiles(List.of(dir.resolve("id_" + type)))
                  .withConnectRetries(0);
          try (Remote r = ssh.connect(spec)) {
            assertThat(r.exec("echo " + type, ExecOptions.DEFAULT).stdout()).isEqualTo(type + "\n");
          }
        }
      }
    }
  }

  @Test
  void keysHeldByARealSshAgentAuthenticate() throws Exception {
    Needs.command("ssh-agent", "authentication through ssh-agent");
    Needs.command("ssh-add", "authentication through ssh-agent");
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "baton-agent-");
    Path socket = dir.resolve("agent.sock");
    Process agent =
        new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.exists(socket) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(socket).exists();
      HostSpec keyless = hosts.spec(0).withIdentityFiles(List.of());
      try (SshConnector ssh =
          new SshConnector(hosts.settings().withAgentSocket(socket.toString()))) {
        // An empty agent and no key files: nothing to authenticate with.
        assertThatThrownBy(() -> ssh.connect(keyless))
            .isInstanceOfSatisfying(
                RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED));

        ProcessBuilder add =
            new ProcessBuilder("ssh-add", hosts.clientKey().toString()).redirectErrorStream(true);
        add.environment().put("SSH_AUTH_SOCK", socket.toString());
        Process adding = add.start();
        String out = new String(adding.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(adding.waitFor()).as("ssh-add: " + out).isZero();

        try (Remote r = ssh.connect(keyless)) {
          assertThat(r.exec("echo via agent", ExecOptions.DEFAULT).stdout())
              .isEqualTo("via agent\n");
        }
      }
      // The agent's listing is what authenticated: its key is the fixture's client key.
      try (AgentClient client = new AgentClient(socket.toString())) {
        assertThat(client.getIdentities())
            .extracting(e -> SshKeys.publicKeyLine(e.getKey()))
            .containsExactly(SshKeys.publicKeyLine(hosts.clientKeyPair().getPublic()));
      }
    } finally {
      agent.destroy();
      if (!agent.waitFor(10, TimeUnit.SECONDS)) {
        agent.destroyForcibly();
      }
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    }
  }
}

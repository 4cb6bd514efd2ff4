package dev.baton.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.HostSpec;
import dev.baton.ssh.Remote;
import dev.baton.ssh.SshConnector;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded lab as an operator meets it: SSH and SFTP to each host, databases in place. */
class EmbeddedLabTest {
  @TempDir Path state;

  @Test
  void labStartsInFailoverStateAnswersSshAndSftpAndLeavesNothingRunning() throws Exception {
    EmbeddedLab.LabHost primary;
    EmbeddedLab.LabHost secondary;
    int sshPort;
    try (EmbeddedLab lab = EmbeddedLab.start(state, 1, 1 << 20)) {
      primary = lab.host("primary");
      secondary = lab.host("secondary");
      sshPort = primary.ssh().port();
      assertThat(Files.readString(lab.inventory()))
          .contains("[primaries]", "primary ansible_host=127.0.1.2", "peer=secondary")
          .contains("baton_known_hosts_file=" + lab.knownHosts());

      try (SshConnector ssh = new SshConnector(SshConnector.Settings.isolated(lab.knownHosts()))) {
        Remote sec = ssh.connect(spec(lab, secondary));
        ExecResult describe =
            sec.exec(
                "cd " + secondary.dbDir() + " && proutil sports -C describe", ExecOptions.DEFAULT);
        assertThat(describe.stdout()).contains("OpenEdge Replication").contains("Source");
        ExecResult busy =
            sec.exec("cd " + secondary.dbDir() + " && proutil sports -C busy", ExecOptions.DEFAULT);
        assertThat(busy.exitCode()).as("the secondary serves production").isEqualTo(6);

        Remote pri = ssh.connect(spec(lab, primary));
        ExecResult old =
            pri.exec("cd " + primary.dbDir() + " && proutil sports -C busy", ExecOptions.DEFAULT);
        assertThat(old.exitCode()).as("the stale old primary is shut down").isEqualTo(0);
        try (var in =
            pri.files().openRead(primary.dbDir().resolve("sports.repl.properties").toString(), 0)) {
          assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
              .contains("host=" + secondary.ssh().address());
        }
      }
    }
    assertThat(listening("127.0.1.2", sshPort)).isFalse();
    assertThat(listening("127.0.1.3", secondary.dbPort())).isFalse();
    assertThat(simProcessesUnder(state)).isEmpty();
  }

  @Test
  void aFailedStartStopsWhatItStarted() {
    assertThatThrownBy(() -> EmbeddedLab.start(state, 0, 1024))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(simProcessesUnder(state)).isEmpty();
  }

  private static HostSpec spec(EmbeddedLab lab, EmbeddedLab.LabHost h) {
    return HostSpec.of(h.name())
        .withAddress(h.ssh().address())
        .withPort(h.ssh().port())
        .withUser(System.getProperty("user.name"))
        .withIdentityFiles(List.of(lab.state().resolve("keys").resolve("id_ed25519")));
  }

  private static boolean listening(String address, int port) {
    try (Socket s = new Socket(address, port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<ProcessHandle> simProcessesUnder(Path dir) {
    String mark = dir.toAbsolutePath().toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(mark)).orElse(false))
        .toList();
  }
}

package dev.baton.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ssh.ExecResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenSshHostsMainTest {

  @Test
  void upServesHostsToScriptsAndDownRemovesThem(@TempDir Path state) throws Exception {
    OpenSshHosts.assumeAvailable();
    Process up = main("up", "1", "--state", state.toString());
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.exists(state.resolve("ready")) && up.isAlive()) {
        assertThat(System.nanoTime()).as("hosts ready within 90 s").isLessThan(deadline);
        Thread.sleep(100);
      }
      assertThat(up.isAlive()).as("the up process keeps the hosts").isTrue();
      String env = Files.readString(state.resolve("hosts.env"));
      assertThat(env).contains("HOSTS=h1").contains("INVENTORY=");
      String prefix =
          Files.readString(state.resolve("ready")).replaceAll("^OpenSshHosts\\[|,.*\\s*$", "");

      ExecResult ssh =
          Command.run(
              Duration.ofSeconds(60),
              List.of(
                  "ssh", "-n", "-F", state.resolve("ssh_config").toString(), "h1", "echo", "up"));
      assertThat(ssh.stdout().strip()).isEqualTo("up");
      assertThat(Files.readString(state.resolve("inventory.ini")))
          .contains("baton_known_hosts_file=" + state.resolve("known_hosts"))
          .contains("ansible_ssh_common_args=");

      Process down = main("down", "--state", state.toString());
      assertThat(down.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(down.exitValue()).isZero();
      assertThat(up.waitFor(30, TimeUnit.SECONDS)).as("up ended after down").isTrue();
      ExecResult netns = Command.run(Duration.ofSeconds(30), List.of("ip", "netns", "list"));
      assertThat(netns.stdout()).doesNotContain(prefix);
      assertThat(state.resolve("ready")).doesNotExist();
    } finally {
      up.destroyForcibly();
      up.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Process main(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(OpenSshHostsMain.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
  }
}

package dev.baton.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ssh.RemoteException.Kind;
import dev.baton.testing.Needs;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRemoteTest {
  @TempDir Path dir;

  @Test
  void runsLinesThroughShInItsWorkDirWithStdinAndEnv() throws Exception {
    String hostile = "a b 'q' \"d\" ; $(touch pwned) `touch pwned2`\nline2";
    try (Remote r = new LocalRemote("localhost", dir)) {
      ExecResult result = r.exec("pwd; echo err >&2; exit 4", ExecOptions.DEFAULT);
      assertThat(result.exitCode()).isEqualTo(4);
      assertThat(result.stdout()).isEqualTo(dir.toRealPath() + "\n");
      assertThat(result.stderr()).isEqualTo("err\n");
      assertThat(
              r.exec("cat", ExecOptions.DEFAULT.withStdin("in".getBytes(StandardCharsets.UTF_8)))
                  .stdout())
          .isEqualTo("in");
      assertThat(
              r.exec("printf '%s' \"$V\"", ExecOptions.DEFAULT.withEnv(Map.of("V", hostile)))
                  .stdout())
          .isEqualTo(hostile);
      assertThat(r.exec("printf '%s' " + ShellQuote.quote(hostile), ExecOptions.DEFAULT).stdout())
          .isEqualTo(hostile);
      assertThat(dir.resolve("pwned")).doesNotExist();
      assertThat(dir.resolve("pwned2")).doesNotExist();
      assertThat(r.host()).isEqualTo("localhost");
    }
  }

  @Test
  void aCommandOverItsTimeoutIsKilledWithItsChildren() throws Exception {
    try (Remote r = new LocalRemote("localhost", dir)) {
      assertThatThrownBy(
              () ->
                  r.exec(
                      "sleep 30 & echo $! > child; wait",
                      ExecOptions.DEFAULT.withTimeout(Duration.ofMillis(500))))
          .isInstanceOfSatisfying(
              RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.COMMAND_TIMEOUT))
          .hasMessageContaining("localhost")
          .hasMessageContaining("sleep 30");
      long child = Long.parseLong(Files.readString(dir.resolve("child")).strip());
      SshConnectorTest.awaitDead(child);
    }
  }

  @Test
  void filesWriteAppendRenameStatAndFreeSpace() throws Exception {
    byte[] data = new byte[1_500_000];
    new Random(3).nextBytes(data);
    try (Remote r = new LocalRemote("localhost", dir)) {
      RemoteFiles files = r.files();
      String sub = dir.resolve("x/y").toString();
      files.mkdirs(sub, 0700);
      assertThat(files.stat(sub).orElseThrow().mode()).isEqualTo(0700);
      String part = sub + "/f.part";
      try (OutputStream out = files.openWrite(part, false, 0640)) {
        out.write(data, 0, 600_000);
      }
      try (OutputStream out = files.openWrite(part, true, 0640)) {
        out.write(data, 600_000, data.length - 600_000);
      }
      String done = sub + "/f";
      files.rename(part, done);
      FileStat st = files.stat(done).orElseThrow();
      assertThat(st.isFile()).isTrue();
      assertThat(st.size()).isEqualTo(data.length);
      assertThat(st.mode()).isEqualTo(0640);
      try (InputStream in = files.openRead(done, 1_000_000)) {
        byte[] tail = in.readAllBytes();
        assertThat(tail).hasSize(data.length - 1_000_000);
        assertThat(tail[0]).isEqualTo(data[1_000_000]);
      }
      files.chmod(done, 0604);
      assertThat(files.stat(done).orElseThrow().mode()).isEqualTo(0604);
      assertThat(files.freeSpace(sub + "/not-yet")).isPositive();
      files.delete(done);
      assertThat(files.stat(done)).isEmpty();
    }
  }

  @Test
  void becomeThroughTheRealSudo() throws Exception {
    Needs.command("sudo", "local become through sudo");
    Process check = new ProcessBuilder("sudo", "-n", "true").redirectErrorStream(true).start();
    check.getInputStream().readAllBytes();
    Needs.that(check.waitFor() == 0, "passwordless sudo for this user", "local become");
    try (Remote r = new LocalRemote("localhost", dir)) {
      ExecResult who =
          r.exec(
              "id -un; cat",
              ExecOptions.DEFAULT
                  .withBecome(new Become("root", "unused"))
                  .withStdin("s\n".getBytes(StandardCharsets.UTF_8)));
      assertThat(who.exitCode()).isZero();
      assertThat(who.stdout()).isEqualTo("root\ns\n");
    }
  }
}

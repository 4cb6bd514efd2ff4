package dev.baton.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ssh.RemoteException.Kind;
import dev.baton.testing.Needs;
import dev.baton.testing.TestHosts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Become through sudo. {@code sudo} itself is often missing on build machines, so the protocol
 * (prompt marker on stderr, password on stdin, retry prompt on a wrong password, {@code -n}) is
 * tested against a small sudo stand-in on the host's PATH that behaves as sudo does on those
 * points; the real sudo test runs wherever sudo works without a password.
 */
class BecomeTest {
  private static final String PASSWORD = "pa$$ 'word' \"x\"";

  /** Behaves as sudo -S / -n / -p / -u do, checking the password against $FAKE_SUDO_PASSWORD. */
  private static final String SUDO_STAND_IN =
      """
      #!/bin/sh
      prompt='[sudo] password: '; stdin=no; nonint=no; user=root
      while [ $# -gt 0 ]; do
        case "$1" in
          -H) shift ;;
          -S) stdin=yes; shift ;;
          -n) nonint=yes; shift ;;
          -p) prompt="$2"; shift 2 ;;
          -u) user="$2"; shift 2 ;;
          --) shift; break ;;
          *) break ;;
        esac
      done
      if [ "$nonint" = yes ]; then echo "sudo: a password is required" >&2; exit 1; fi
      tries=0
      while [ $tries -lt 3 ]; do
        printf '%s' "$prompt" >&2
        IFS= read -r pw || exit 1
        if [ "$pw" = "$FAKE_SUDO_PASSWORD" ]; then
          SUDO_USER_TARGET="$user"; export SUDO_USER_TARGET
          exec "$@"
        fi
        echo "Sorry, try again." >&2
        tries=$((tries + 1))
      done
      echo "sudo: 3 incorrect password attempts" >&2
      exit 1
      """;

  private static Path standIn(Path dir) throws Exception {
    Path bin = dir.resolve("fake-sudo-bin");
    Files.createDirectories(bin);
    Path sudo = bin.resolve("sudo");
    Files.writeString(sudo, SUDO_STAND_IN, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(sudo, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  @Test
  void becomePasswordAnswersTheMarkedPromptAndStdinStillReachesTheCommand() throws Exception {
    Path binDir = Files.createTempDirectory("baton-sudo-");
    try (TestHosts hosts =
            TestHosts.withHosts(1)
                .env(
                    Map.of(
                        "PATH",
                        standIn(binDir) + ":" + System.getenv("PATH"),
                        "FAKE_SUDO_PASSWORD",
                        PASSWORD))
                .start();
        SshConnector ssh = new SshConnector(hosts.settings());
        Remote r = ssh.connect(hosts.spec(0))) {
      ExecOptions become = ExecOptions.DEFAULT.withBecome(new Become("oracle", PASSWORD));
      ExecResult ok =
          r.exec(
              "echo \"user=$SUDO_USER_TARGET\"; cat; echo oops >&2",
              become.withStdin("data after the password\n".getBytes(StandardCharsets.UTF_8)));
      assertThat(ok.exitCode()).isZero();
      assertThat(ok.stdout()).isEqualTo("user=oracle\ndata after the password\n");
      assertThat(ok.stderr()).isEqualTo("oops\n");

      ExecResult env = r.exec("printf '%s' \"$V\"", become.withEnv(Map.of("V", "a b;$(c)")));
      assertThat(env.stdout()).isEqualTo("a b;$(c)");

      Become wrong = new Become("oracle", "not-the-password");
      assertThatThrownBy(() -> r.exec("echo never", ExecOptions.DEFAULT.withBecome(wrong)))
          .isInstanceOfSatisfying(
              RemoteException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(Kind.OTHER);
                assertThat(e.getMessage())
                    .contains("host0", "sudo refused the become password", "oracle", "echo never")
                    .doesNotContain("not-the-password");
              });
      assertThat(wrong.toString()).doesNotContain("not-the-password");

      // No password configured: sudo -n fails at once instead of waiting for one.
      ExecResult noPassword =
          r.exec("echo never", ExecOptions.DEFAULT.withBecome(new Become("oracle", null)));
      assertThat(noPassword.exitCode()).isEqualTo(1);
      assertThat(noPassword.stderr()).contains("a password is required");
      assertThat(noPassword.stdout()).isEmpty();
    } finally {
      try (var paths = Files.walk(binDir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void realSudoWithoutAPasswordPrompt() throws Exception {
    Needs.command("sudo", "become through the real sudo");
    Process check = new ProcessBuilder("sudo", "-n", "true").redirectErrorStream(true).start();
    check.getInputStream().readAllBytes();
    Needs.that(check.waitFor() == 0, "passwordless sudo for this user", "become through real sudo");
    try (TestHosts hosts = TestHosts.withHosts(1).start();
        SshConnector ssh = new SshConnector(hosts.settings());
        Remote r = ssh.connect(hosts.spec(0))) {
      ExecResult who = r.exec("id -un", ExecOptions.DEFAULT.withBecome(new Become("root", null)));
      assertThat(who.exitCode()).isZero();
      assertThat(who.stdout().strip()).isEqualTo("root");
      // With a password configured but sudo not asking (NOPASSWD, root, cached): the ready marker
      // lets stdin through without waiting for a prompt, and the marker is stripped.
      ExecResult piped =
          r.exec(
              "id -un; cat",
              ExecOptions.DEFAULT
                  .withBecome(new Become("root", "unused-password"))
                  .withStdin("stdin line\n".getBytes(StandardCharsets.UTF_8)));
      assertThat(piped.exitCode()).isZero();
      assertThat(piped.stdout()).isEqualTo("root\nstdin line\n");
      assertThat(piped.stderr()).doesNotContain("baton-sudo");
    }
  }
}

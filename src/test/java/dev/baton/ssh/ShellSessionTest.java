package dev.baton.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ssh.RemoteException.Kind;
import dev.baton.testing.TestHosts;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Commands through the session's long-lived shell ({@link ShellSession}) must look exactly like
 * commands on channels of their own: same output bytes, same exit codes, no state carried from one
 * command to the next.
 */
class ShellSessionTest {
  @RegisterExtension final TestHosts hosts = TestHosts.withHosts(1);

  private final List<SshConnector> connectors = new ArrayList<>();

  private Remote connect(boolean shellSession) throws RemoteException {
    SshConnector c = new SshConnector(hosts.settings().withShellSession(shellSession));
    connectors.add(c);
    return c.connect(hosts.spec(0));
  }

  @AfterEach
  void close() {
    connectors.forEach(SshConnector::close);
  }

  private static String run(Remote r, String line) throws RemoteException {
    return r.exec(line, ExecOptions.DEFAULT).stdout();
  }

  @Test
  void commandsShareOneShellProcessButNoState() throws Exception {
    try (Remote r = connect(true)) {
      // One parent for every command: the shell session, not a new channel each time.
      String parent = run(r, "echo $PPID");
      assertThat(run(r, "echo $PPID")).isEqualTo(parent);
      assertThat(run(r, "cat /proc/$PPID/comm")).isEqualTo("sh\n");
      assertThat(run(r, "echo $$")).isNotEqualTo(run(r, "echo $$"));

      ExecResult exit = r.exec("cd /; X=leaked; export X; exit 3", ExecOptions.DEFAULT);
      assertThat(exit.exitCode()).isEqualTo(3);
      assertThat(run(r, "pwd; echo \"${X:-unset}\""))
          .isEqualTo(hosts.home(0).toRealPath() + "\nunset\n");
      // Nothing of the driver's own variables is visible to a command.
      assertThat(run(r, "echo \"[$n$c$l$p$r]\"")).isEqualTo("[]\n");
    }
  }

  @Test
  void aLineThatExpandsNothingRunsInASubshellOfTheDriverWithNothingOfIt() throws Exception {
    try (Remote r = connect(true)) {
      // The fast path is taken: the shell running the line is a fork of the driver (its command
      // line is the driver's), not a /bin/sh -c of its own. `exec <` opens in that shell itself.
      assertThat(run(r, "exec </proc/self/cmdline; cat")).contains("IFS= read -r n");
      // A line that reads a parameter gets its own shell, whose $$ is its own.
      assertThat(run(r, "exec </proc/self/cmdline; cat; : $$"))
          .isEqualTo("/bin/sh\0-c\0exec </proc/self/cmdline; cat; : $$\0");

      ExecResult exit = r.exec("cd /; X=leaked; export X; exit 4", ExecOptions.DEFAULT);
      assertThat(exit.exitCode()).isEqualTo(4);
      assertThat(run(r, "pwd")).isEqualTo(hosts.home(0).toRealPath() + "\n");
      assertThat(run(r, "env")).doesNotContain("X=leaked");
      // Over its time, killed with what it started; the driver lives on.
      String parent = run(r, "echo $PPID");
      assertThat(ShellSession.modeOf("sleep 30 & jobs -p > child; wait"))
          .isEqualTo(ShellSession.Mode.SUBSHELL);
      assertTimesOut(r, "sleep 30 & jobs -p > child; wait");
      SshConnectorTest.awaitDead(Long.parseLong(read("child")));
      assertThat(run(r, "echo $PPID")).isEqualTo(parent);
      // The token and the command text are unset before the command runs.
      assertThat(run(r, "set").lines()).noneMatch(l -> l.matches("^[cflnpr]=.*"));
      assertThat(run(r, "set")).doesNotContainPattern("baton-[0-9a-f]{32}");
      // Quoted words, a syntax error, an exec'd program: as a fresh shell would have them.
      assertThat(run(r, "printf '%s|' 'a b' \"c\"")).isEqualTo("a b|c|");
      assertThat(r.exec("echo (", ExecOptions.DEFAULT).exitCode()).isEqualTo(2);
      assertThat(r.exec("exec sh -c 'exit 7'", ExecOptions.DEFAULT).exitCode()).isEqualTo(7);
    }
  }

  @Test
  void eachLineRunsTheCheapestWayThatGivesTheSameOutcome() {
    assertThat(ShellSession.modeOf("exec /bin/true")).isEqualTo(ShellSession.Mode.ARGV);
    // The shell module's line: its script's $ is quoted, for the /bin/sh it starts.
    assertThat(ShellSession.modeOf("exec /bin/sh -c 'echo $$; a='\"'\"'b'"))
        .isEqualTo(ShellSession.Mode.ARGV);
    assertThat(ShellSession.modeOf("exec '/opt/my app/x' 'a b' 'it'\"'\"'s' '$HOME' 'l1\nl2' -"))
        .isEqualTo(ShellSession.Mode.ARGV);
    // Not a program by path: a builtin may be meant, or an assignment, or more than one command.
    assertThat(ShellSession.modeOf("exec true")).isEqualTo(ShellSession.Mode.SUBSHELL);
    assertThat(ShellSession.modeOf("exec A=/x")).isEqualTo(ShellSession.Mode.SUBSHELL);
    assertThat(ShellSession.modeOf("/bin/true")).isEqualTo(ShellSession.Mode.SUBSHELL);
    assertThat(ShellSession.modeOf("exec /bin/true; rm x")).isEqualTo(ShellSession.Mode.SUBSHELL);
    assertThat(ShellSession.modeOf("exec /bin/true >x")).isEqualTo(ShellSession.Mode.SUBSHELL);
    assertThat(ShellSession.modeOf("exec /bin/true\n/bin/false"))
        .isEqualTo(ShellSession.Mode.SUBSHELL);
    // Anything expanded: a shell of its own.
    assertThat(ShellSession.modeOf("exec /bin/echo $HOME")).isEqualTo(ShellSession.Mode.OWN_SHELL);
    assertThat(ShellSession.modeOf("exec /bin/echo \"$HOME\""))
        .isEqualTo(ShellSession.Mode.OWN_SHELL);
    assertThat(ShellSession.modeOf("echo `id`")).isEqualTo(ShellSession.Mode.OWN_SHELL);
  }

  @Test
  void aProgramRunByTheDriverItselfGetsItsArgumentsAndLeavesTheDriverAsItWas() throws Exception {
    try (Remote r = connect(true)) {
      String parent = run(r, "echo $PPID");
      String printf =
          "exec /usr/bin/printf '%s|' 'a b' 'it'\"'\"'s' '$HOME' 'l1\nl2' '' '--' \"'\"'*'";
      assertThat(ShellSession.modeOf(printf)).isEqualTo(ShellSession.Mode.ARGV);
      assertThat(run(r, printf)).isEqualTo("a b|it's|$HOME|l1\nl2||--|'*|");
      // stdin is /dev/null, not the driver's own input (which holds the next command).
      assertThat(run(r, "exec /bin/cat")).isEmpty();
      ExecResult exit =
          r.exec("exec /bin/sh -c 'cd /; X=1; export X; exit 5'", ExecOptions.DEFAULT);
      assertThat(exit.exitCode()).isEqualTo(5);
      assertThat(run(r, "pwd")).isEqualTo(hosts.home(0).toRealPath() + "\n");
      assertThat(r.exec("exec /nonexistent/program", ExecOptions.DEFAULT).exitCode())
          .isEqualTo(127);
      // Over its time: the driver's child is killed, the driver lives on.
      assertTimesOut(r, "exec /bin/sh -c 'echo $$ > pid; exec sleep 30'");
      SshConnectorTest.awaitDead(Long.parseLong(read("pid")));
      assertThat(run(r, "echo $PPID")).isEqualTo(parent);
    }
  }

  @Test
  void aChannelPerCommandWhenTurnedOff() throws Exception {
    try (Remote r = connect(false)) {
      // The parent is the server (here the embedded server's JVM), not a shell.
      assertThat(run(r, "cat /proc/$PPID/comm")).isNotEqualTo("sh\n");
    }
  }

  @Test
  void outputComesBackByteForByte() throws Exception {
    try (Remote r = connect(true)) {
      ExecResult noNewline = r.exec("printf 'a'; printf 'b' >&2", ExecOptions.DEFAULT);
      assertThat(noNewline.stdout()).isEqualTo("a");
      assertThat(noNewline.stderr()).isEqualTo("b");
      ExecResult empty = r.exec("true", ExecOptions.DEFAULT);
      assertThat(empty.stdout()).isEmpty();
      assertThat(empty.stderr()).isEmpty();
      assertThat(run(r, "printf 'caf\\303\\251\\n\\n'")).isEqualTo("café\n\n");
      // Interleaved streams and a large output that arrives in many packets.
      ExecResult big =
          r.exec(
              "i=0; while [ $i -lt 200 ]; do echo \"err $i\" >&2; i=$((i+1)); done;"
                  + " head -c 3000000 /dev/zero | tr '\\0' x",
              ExecOptions.DEFAULT);
      assertThat(big.stdout()).hasSize(3_000_000).containsOnlyOnce("x".repeat(3_000_000));
      assertThat(big.stderr().lines()).hasSize(200).startsWith("err 0").endsWith("err 199");
      // A multi-line script, and a command that reads stdin gets EOF at once.
      assertThat(run(r, "a=1\nb=2\necho $((a+b))")).isEqualTo("3\n");
      assertThat(run(r, "cat; echo done")).isEqualTo("done\n");
    }
  }

  @Test
  void aCommandThatEndsTheShellHasAnUnknownOutcomeAndTheNextStartsAnother() throws Exception {
    try (Remote r = connect(true)) {
      String parent = run(r, "echo $PPID");
      assertThatThrownBy(() -> r.exec("kill -KILL $PPID; sleep 2", ExecOptions.DEFAULT))
          .isInstanceOfSatisfying(
              RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.OTHER))
          .hasMessageContaining("host0")
          .hasMessageContaining("outcome is unknown");
      String next = run(r, "echo $PPID");
      assertThat(next).isNotBlank().isNotEqualTo(parent);
    }
  }

  @Test
  void aTimedOutCommandIsKilledAndTheShellLivesOn() throws Exception {
    try (Remote r = connect(true)) {
      String parent = run(r, "echo $PPID");
      assertTimesOut(r, "echo $$ > pid; sleep 30 & echo $! > child; wait");
      SshConnectorTest.awaitDead(Long.parseLong(read("pid")));
      SshConnectorTest.awaitDead(Long.parseLong(read("child")));
      assertThat(run(r, "echo $PPID")).isEqualTo(parent);
    }
  }

  @Test
  void commandsFromTwoThreadsAtOnceBothRun() throws Exception {
    try (Remote r = connect(true)) {
      CompletableFuture<ExecResult> slow =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return r.exec("sleep 1; echo slow", ExecOptions.DEFAULT);
                } catch (RemoteException e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(200);
      // The shell is busy with the other thread's command: this one takes a channel.
      assertThat(run(r, "echo quick")).isEqualTo("quick\n");
      assertThat(slow.get().stdout()).isEqualTo("slow\n");
    }
  }

  /** Runs {@code line} with a 500 ms limit, which it must outlive. */
  private static void assertTimesOut(Remote r, String line) {
    assertThatThrownBy(() -> r.exec(line, ExecOptions.DEFAULT.withTimeout(Duration.ofMillis(500))))
        .isInstanceOfSatisfying(
            RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.COMMAND_TIMEOUT));
  }

  private String read(String file) throws Exception {
    return Files.readString(hosts.home(0).resolve(file)).strip();
  }
}

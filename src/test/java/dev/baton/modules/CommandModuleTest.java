package dev.baton.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandModuleTest extends ModuleTestBase {
  private final Command command = new Command();
  private final Shell shell = new Shell();

  @Test
  void commandReportsRcOutputAndTiming() throws Exception {
    TaskResult r = run(command, Map.of("_raw_params", "printf 'one\\ntwo\\n'"));
    assertChanged(r);
    assertThat(r.data())
        .containsEntry("rc", 0)
        .containsEntry("stdout", "one\ntwo")
        .containsEntry("stdout_lines", List.of("one", "two"))
        .containsEntry("stderr", "")
        .containsEntry("cmd", List.of("printf", "one\\ntwo\\n"))
        .containsKeys("start", "end", "delta");
    assertThat((String) r.data().get("delta")).matches("\\d+:\\d\\d:\\d\\d\\.\\d{6}");
  }

  @Test
  void startEndAndDeltaAreWrittenAsAnsibleWritesThem() {
    java.time.format.DateTimeFormatter ansible =
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    for (java.time.LocalDateTime t :
        List.of(
            java.time.LocalDateTime.of(2026, 12, 3, 15, 4, 5, 6_000),
            java.time.LocalDateTime.of(999, 1, 1, 0, 0, 0, 0),
            java.time.LocalDateTime.of(2026, 10, 31, 23, 59, 59, 999_999_999))) {
      assertThat(CommandRun.stamp(t)).isEqualTo(ansible.format(t));
    }
    assertThat(CommandRun.delta(java.time.Duration.ofNanos(1_234_567))).isEqualTo("0:00:00.001234");
    assertThat(CommandRun.delta(java.time.Duration.ofSeconds(100 * 3600 + 61, 500_000_000)))
        .isEqualTo("100:01:01.500000");
  }

  @Test
  void commandNonZeroRcFailsWithStderr() throws Exception {
    TaskResult r = run(command, Map.of("argv", List.of("ls", dir + "/missing")));
    assertFailed(r);
    assertThat(r.data()).containsEntry("rc", 2).containsEntry("msg", "non-zero return code");
    assertThat((String) r.data().get("stderr")).contains("missing");
    assertThat(r.msg()).contains("non-zero return code 2").contains("ls").contains("missing");
  }

  @Test
  void commandPassesHostileWordsLiterally() throws Exception {
    TaskResult r = run(command, Map.of("argv", List.of("touch", HOSTILE), "chdir", dir.toString()));
    assertChanged(r);
    assertThat(dir.resolve(HOSTILE)).exists();
    assertThat(dir.resolve("PWNED")).doesNotExist();
    assertThat(dir.resolve("PWNED2")).doesNotExist();
    assertThat(HOSTS.home(0).resolve("PWNED")).doesNotExist();

    TaskResult free =
        run(command, Map.of("_raw_params", "echo \"$HOME\" ';' '$(id)'", "chdir", dir.toString()));
    assertThat(free.data()).containsEntry("stdout", "$HOME ; $(id)");
  }

  @Test
  void commandCreatesAndRemovesGuardsSkipTheRun() throws Exception {
    String marker = dir.resolve("made it").toString();
    Map<String, Object> args = Map.of("argv", List.of("touch", marker), "creates", marker);
    assertChanged(run(command, args));
    TaskResult second = run(command, args);
    assertOk(second);
    assertThat(second.msg()).contains("since '" + marker + "' exists");

    TaskResult removes =
        run(command, Map.of("argv", List.of("rm", marker), "removes", dir + "/made*"));
    assertChanged(removes);
    assertThat(dir.resolve("made it")).doesNotExist();
    assertOk(run(command, Map.of("argv", List.of("rm", marker), "removes", dir + "/made*")));
  }

  @Test
  void commandInCheckModeIsSkippedUnlessAGuardDecides() throws Exception {
    String marker = dir.resolve("m").toString();
    TaskResult r = check(command, Map.of("argv", List.of("touch", marker)));
    assertThat(r).isInstanceOf(TaskResult.Skipped.class);
    assertThat(dir.resolve("m")).doesNotExist();
    TaskResult guarded =
        check(command, Map.of("argv", List.of("touch", marker), "creates", marker));
    assertChanged(guarded);
    assertThat(dir.resolve("m")).doesNotExist();
    Files.writeString(dir.resolve("m"), "");
    assertOk(check(command, Map.of("argv", List.of("touch", marker), "creates", marker)));
  }

  @Test
  void commandFeedsStdinWithNewline() throws Exception {
    TaskResult r = run(command, Map.of("_raw_params", "od -c", "stdin", "x"));
    assertThat((String) r.data().get("stdout")).contains("x  \\n");
  }

  @Test
  void commandTakesInlineChdir() throws Exception {
    TaskResult r = run(command, Map.of("_raw_params", "chdir=" + dir + " pwd"));
    assertThat(r.data()).containsEntry("stdout", dir.toString());
  }

  @Test
  void commandWithoutCommandFails() throws Exception {
    TaskResult r = run(command, Map.of("chdir", "/"));
    assertFailed(r);
    assertThat(r.msg()).isEqualTo("command: no command given");
  }

  @Test
  void shellRunsPipesAndVariablesThroughBinSh() throws Exception {
    TaskResult r =
        run(
            shell,
            Map.of(
                "_raw_params", "echo hi | tr a-z A-Z; echo \"$0\"; pwd", "chdir", dir.toString()));
    assertChanged(r);
    assertThat(r.data())
        .containsEntry("stdout_lines", List.of("HI", "/bin/sh", dir.toString()))
        .containsEntry("cmd", "echo hi | tr a-z A-Z; echo \"$0\"; pwd");
  }

  @Test
  void shellMultiLineScriptKeepsItsLines() throws Exception {
    String script = "set -e\nx=1\nif [ $x = 1 ]; then\n  echo one\nfi\nexit 3\n";
    TaskResult r = run(shell, Map.of("_raw_params", script));
    assertFailed(r);
    assertThat(r.data()).containsEntry("rc", 3).containsEntry("stdout", "one");
  }

  @Test
  void shellChdirAndCreatesAreQuoted() throws Exception {
    String d = dir.resolve(HOSTILE).toString();
    Files.createDirectories(dir.resolve(HOSTILE));
    TaskResult r = run(shell, Map.of("cmd", "touch done", "chdir", d, "creates", d + "/done"));
    assertChanged(r);
    assertThat(dir.resolve(HOSTILE).resolve("done")).exists();
    assertOk(run(shell, Map.of("cmd", "touch done", "chdir", d, "creates", "done")));
    assertThat(dir.resolve("PWNED")).doesNotExist();
  }

  @Test
  void shellUsesExecutable() throws Exception {
    TaskResult r =
        run(shell, Map.of("cmd", "echo $BASH_VERSION | cut -c1", "executable", "/bin/bash"));
    assertThat((String) r.data().get("stdout")).matches("[0-9]");
  }

  @Test
  void createsGlobIsMatchedNeverExecuted() throws Exception {
    Files.writeString(dir.resolve("app-1.pid"), "");
    String hostileGlob = dir + "/x$(touch PWNED)`touch PWNED2`*";
    assertChanged(
        run(
            command,
            Map.of("argv", List.of("true"), "creates", hostileGlob, "chdir", dir.toString())));
    assertOk(run(command, Map.of("argv", List.of("true"), "creates", dir + "/app-*.pid")));
    assertThat(dir.resolve("PWNED")).doesNotExist();
    assertThat(dir.resolve("PWNED2")).doesNotExist();
    assertThat(HOSTS.home(0).resolve("PWNED")).doesNotExist();
  }
}

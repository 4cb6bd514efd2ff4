package dev.baton.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** assert, fail, debug and set_fact: modules that decide on variables rather than the host. */
class ControlModulesTest extends ModuleTestBase {

  @Test
  void assertPassesWhenAllConditionsHold() throws Exception {
    ctx.var("result", Map.of("rc", 0, "stdout", "role: primary"));
    TaskResult r =
        run(
            new Assert(),
            Map.of(
                "that",
                List.of("result.rc == 0", "'primary' in result.stdout"),
                "success_msg",
                "roles ok"));
    assertOk(r);
    assertThat(r.data()).containsEntry("msg", "roles ok");
  }

  @Test
  void assertFailsOnFirstFalseConditionWithFailMsg() throws Exception {
    ctx.var("rc", 3);
    TaskResult r =
        run(new Assert(), Map.of("that", List.of("rc >= 0", "rc == 0"), "fail_msg", "rc was bad"));
    assertFailed(r);
    assertThat(r.msg()).isEqualTo("rc was bad");
    assertThat(r.data()).containsEntry("assertion", "rc == 0").containsEntry("evaluated_to", false);
    TaskResult plain = run(new Assert(), Map.of("that", "rc == 0"));
    assertThat(plain.msg()).isEqualTo("Assertion failed: rc == 0");
  }

  @Test
  void assertOnUndefinedVariableFailsNamingIt() throws Exception {
    TaskResult r = run(new Assert(), Map.of("that", "nosuchvar == 1"));
    assertFailed(r);
    assertThat(r.msg()).contains("nosuchvar").contains("test.yml:1:1");
  }

  @Test
  void failUsesMessageOrDefault() throws Exception {
    TaskResult r = run(new Fail(), Map.of("msg", "stop here"));
    assertFailed(r);
    assertThat(r.msg()).isEqualTo("stop here");
    assertThat(run(new Fail(), Map.of()).msg()).isEqualTo("Failed as requested from task");
  }

  @Test
  void debugShowsMessageOrVariable() throws Exception {
    ctx.var("result", Map.of("stdout_lines", List.of("a", "b")));
    assertThat(run(new Debug(), Map.of("msg", "hi")).data()).containsEntry("msg", "hi");
    assertThat(run(new Debug(), Map.of()).data()).containsEntry("msg", "Hello world!");
    TaskResult v = run(new Debug(), Map.of("var", "result.stdout_lines[1]"));
    assertOk(v);
    assertThat(v.data()).containsEntry("result.stdout_lines[1]", "b");
    assertThat(run(new Debug(), Map.of("var", "missing.x")).data())
        .containsEntry("missing.x", "VARIABLE IS NOT DEFINED!");
    assertThat(run(new Debug(), Map.of("msg", "x", "verbosity", 2)))
        .isInstanceOf(TaskResult.Skipped.class);
    ctx.var("ansible_verbosity", 2);
    assertOk(run(new Debug(), Map.of("msg", "x", "verbosity", 2)));
  }

  @Test
  void setFactReturnsFactsForTheEngine() throws Exception {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("db_role", "primary");
    args.put("ports", List.of(1, 2));
    args.put("cacheable", "yes");
    TaskResult r = run(new SetFact(), args);
    assertOk(r);
    assertThat(r.data())
        .containsEntry("ansible_facts", Map.of("db_role", "primary", "ports", List.of(1, 2)))
        .containsEntry("cacheable", true);
    TaskResult kv = run(new SetFact(), Map.of("_raw_params", "a=1 b='two words' c=yes"));
    assertThat(kv.data())
        .containsEntry("ansible_facts", Map.of("a", "1", "b", "two words", "c", true));
  }

  @Test
  void setFactRejectsBadNamesAndEmptyArgs() throws Exception {
    TaskResult bad = run(new SetFact(), Map.of("bad-name", 1));
    assertFailed(bad);
    assertThat(bad.msg()).contains("'bad-name' is not valid");
    assertFailed(run(new SetFact(), Map.of("cacheable", true)));
  }

  @Test
  void builtinModulesHaveUniqueAnsibleNames() {
    ModuleRegistry registry = new ModuleRegistry(BuiltinModules.all());
    assertThat(registry.names())
        .containsExactly(
            "assert",
            "command",
            "copy",
            "debug",
            "fail",
            "fetch",
            "file",
            "meta",
            "set_fact",
            "shell",
            "stat",
            "template",
            "wait_for");
  }
}

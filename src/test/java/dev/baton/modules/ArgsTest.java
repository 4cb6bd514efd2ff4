package dev.baton.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.modules.ArgSpec.Type;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every module reads its arguments through {@link Args}: Ansible's spellings, one failure shape.
 */
class ArgsTest {
  private static boolean online(Object v) throws TaskFailure {
    return new Args("openedge_backup", Map.of("online", v)).bool("online", false);
  }

  @Test
  void booleansTakeAnsibleSpellingsAndNumbers() throws TaskFailure {
    assertThat(online("y")).isTrue();
    assertThat(online("T")).isTrue();
    assertThat(online(1.0)).isTrue();
    assertThat(online("n")).isFalse();
    assertThat(online("F")).isFalse();
    assertThat(online(0)).isFalse();
    assertThat(new Args("m", Map.of()).bool("online", true)).isTrue();
  }

  @Test
  void aBadValueNamesTheModuleAndTheArgument() {
    assertThatThrownBy(() -> online("maybe"))
        .isInstanceOf(TaskFailure.class)
        .hasMessage("openedge_backup: online must be true or false, not 'maybe'");
    assertThatThrownBy(() -> online(2))
        .hasMessage("openedge_backup: online must be true or false, not '2'");
    assertThatThrownBy(() -> new Args("m", Map.of("port", "eighty")).integer("port", 0))
        .hasMessage("m: port must be a whole number, not 'eighty'");
    assertThatThrownBy(() -> new Args("m", Map.of()).required("db"))
        .hasMessage("m: db is required");
  }

  @Test
  void theSpecsDefaultsAreAppliedAndABlankValueIsAbsent() throws TaskFailure {
    Module m =
        new Module() {
          @Override
          public String name() {
            return "m";
          }

          @Override
          public ArgSpec args() {
            return ArgSpec.of(
                Map.of(
                    "wait", ArgSpec.optional(Type.INT, 1800),
                    "mode", ArgSpec.optional(Type.STRING, "repl"),
                    "dir", ArgSpec.optional(Type.PATH, null)));
          }

          @Override
          public TaskResult run(ModuleContext ctx, Map<String, Object> args) {
            throw new UnsupportedOperationException();
          }
        };
    Map<String, Object> given = new HashMap<>();
    given.put("mode", "enable");
    given.put("dir", " ");
    given.put("wait", null);
    Args a = Args.of(m, given);
    assertThat(a.integer("wait", -1)).isEqualTo(1800);
    assertThat(a.string("mode")).isEqualTo("enable");
    assertThat(a.string("dir")).isNull();
    assertThat(a.has("dir")).isTrue();
  }
}

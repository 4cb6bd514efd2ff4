package dev.baton.playbook;

import static dev.baton.modules.ArgSpec.Type.ANY;
import static dev.baton.modules.ArgSpec.Type.BOOL;
import static dev.baton.modules.ArgSpec.Type.INT;
import static dev.baton.modules.ArgSpec.Type.LIST;
import static dev.baton.modules.ArgSpec.Type.PATH;
import static dev.baton.modules.ArgSpec.Type.STRING;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.Module;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.ModuleRegistry;
import dev.baton.modules.TaskResult;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Modules with the argument shapes of the real ones, for validating playbooks; never run. */
final class TestModules {
  private TestModules() {}

  record Spec(String name, ArgSpec args) implements Module {
    @Override
    public TaskResult run(ModuleContext ctx, Map<String, Object> a) {
      throw new UnsupportedOperationException("test module " + name + " only validates arguments");
    }
  }

  static ModuleRegistry registry() {
    ArgSpec commandLike =
        new ArgSpec(
            Map.of(
                "cmd", ArgSpec.optional(STRING, null),
                "chdir", ArgSpec.optional(PATH, null),
                "creates", ArgSpec.optional(PATH, null)),
            true,
            false,
            List.of(Set.of("_raw_params", "cmd")));
    return new ModuleRegistry(
        List.of(
            new Spec("command", commandLike),
            new Spec("shell", commandLike),
            new Spec(
                "copy",
                new ArgSpec(
                    Map.of(
                        "src", ArgSpec.optional(PATH, null),
                        "content", ArgSpec.optional(STRING, null),
                        "dest", ArgSpec.required(PATH),
                        "mode", ArgSpec.optional(STRING, null),
                        "backup", ArgSpec.optional(BOOL, false)),
                    false,
                    false,
                    List.of(Set.of("src", "content")))),
            new Spec(
                "wait_for",
                ArgSpec.of(
                    Map.of(
                        "port", ArgSpec.optional(INT, null),
                        "host", ArgSpec.optional(STRING, "localhost"),
                        "timeout", ArgSpec.optional(INT, 300)))),
            new Spec(
                "assert",
                ArgSpec.of(
                    Map.of(
                        "that", ArgSpec.required(LIST),
                        "fail_msg", ArgSpec.optional(STRING, null)))),
            new Spec(
                "debug",
                ArgSpec.of(
                    Map.of(
                        "msg",
                        ArgSpec.optional(ANY, null),
                        "var",
                        ArgSpec.optional(STRING, null)))),
            new Spec("set_fact", new ArgSpec(Map.of(), false, true, List.of()))));
  }
}

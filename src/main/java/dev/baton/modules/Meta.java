package dev.baton.modules;

import dev.baton.modules.ArgSpec.Type;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's {@code meta}: actions on the run itself, which the engine carries out ({@code
 * flush_handlers}, {@code end_play}, {@code end_batch}, {@code end_host}, {@code noop}); this
 * module only names them, so that the playbook is checked when it is read. Any other action is
 * refused there with what baton has.
 */
public final class Meta implements Module {
  /** The actions the engine carries out. */
  public static final Set<String> ACTIONS =
      Set.of("flush_handlers", "end_play", "end_batch", "end_host", "noop");

  @Override
  public String name() {
    return "meta";
  }

  @Override
  public ArgSpec args() {
    return new ArgSpec(
        Map.of("_raw_params", ArgSpec.required(Type.STRING)), true, false, List.of());
  }

  /** The action of a {@code meta} task's arguments, or why it is not one baton carries out. */
  public static String action(Map<String, Object> args) {
    Object a = args.get("_raw_params");
    String action = a == null ? "" : a.toString().strip();
    if (!ACTIONS.contains(action)) {
      throw new IllegalArgumentException(
          "meta: '"
              + action
              + "' is not an action baton carries out ("
              + String.join(", ", ACTIONS.stream().sorted().toList())
              + ")");
    }
    return action;
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) {
    // Reached only if the engine did not take the task: say so rather than pretend.
    return TaskResult.failed("meta " + args.get("_raw_params") + " is carried out by the engine");
  }
}

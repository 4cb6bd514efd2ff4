package dev.baton.playbook;

import dev.baton.core.Mark;
import java.util.Map;

/**
 * A task that calls one module.
 *
 * @param args the module's arguments as parsed, templates not yet rendered; a free-form string
 *     argument ({@code command: ls}) is under {@code _raw_params}
 * @param argMarks where each argument stands in the file, for errors found at run time
 */
public record ModuleTask(
    String name,
    String module,
    Map<String, Object> args,
    Map<String, Mark> argMarks,
    TaskOptions options,
    Mark mark)
    implements Task {
  public ModuleTask {
    args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
    argMarks = Map.copyOf(argMarks);
  }
}

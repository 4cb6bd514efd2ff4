package dev.baton.modules;

import dev.baton.modules.ArgSpec.Type;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's {@code debug}: shows {@code msg}, or the value of the variable named by {@code var}
 * ({@code var: result.stdout_lines}, {@code var: groups['db'][0]}). With {@code verbosity: N} it is
 * skipped unless the run's {@code ansible_verbosity} is at least N.
 */
final class Debug implements Module {
  static final String UNDEFINED = "VARIABLE IS NOT DEFINED!";

  @Override
  public String name() {
    return "debug";
  }

  @Override
  public ArgSpec args() {
    return new ArgSpec(
        Map.of(
            "msg", ArgSpec.optional(Type.ANY, "Hello world!"),
            "var", ArgSpec.optional(Type.STRING, null),
            "verbosity", ArgSpec.optional(Type.INT, 0)),
        false,
        false,
        List.<Set<String>>of());
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) {
    try {
      // The given arguments only, not the defaults: Ansible refuses msg with var when both are
      // written, and the default msg is for a task that gives neither.
      Args a = new Args(name(), args);
      if (a.has("msg") && a.has("var")) {
        throw a.bad("'msg' and 'var' are incompatible options");
      }
      long verbosity = a.integer("verbosity", 0);
      Object current = ctx.vars().get("ansible_verbosity");
      long level = current instanceof Number n ? n.longValue() : 0;
      if (verbosity > level) {
        return new TaskResult.Skipped(
            "verbosity threshold not met",
            TaskResult.data("skipped_reason", "Verbosity threshold not met."));
      }
      if (a.has("var")) {
        String expr = a.str("var").trim();
        Object value = VarPath.lookup(ctx.vars(), expr).orElse(UNDEFINED);
        return new TaskResult.Ok(expr + ": " + value, TaskResult.data(expr, value));
      }
      Object msg = args.get("msg") == null ? "Hello world!" : args.get("msg");
      return new TaskResult.Ok(String.valueOf(msg), TaskResult.data("msg", msg));
    } catch (TaskFailure f) {
      return f.toResult(name());
    }
  }
}

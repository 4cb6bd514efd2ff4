package dev.baton.modules;

import dev.baton.modules.ArgSpec.Type;
import dev.baton.template.TemplateException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's {@code assert}: every condition in {@code that} must hold, evaluated by the run's
 * templater against the host's variables. The first false one fails the host with {@code fail_msg}
 * (or {@code msg}) and names the condition.
 */
final class Assert implements Module {

  /**
   * A check is made again on resume: it changes nothing, and the world may have changed since the
   * earlier run (the operator fixed what it refused, or broke what it allowed).
   */
  @Override
  public OnResume onResume() {
    return OnResume.CHECK_AGAIN;
  }

  @Override
  public String name() {
    return "assert";
  }

  @Override
  public ArgSpec args() {
    return new ArgSpec(
        Map.of(
            "that", ArgSpec.required(Type.ANY),
            "fail_msg", ArgSpec.optional(Type.ANY, null),
            "msg", ArgSpec.optional(Type.ANY, null),
            "success_msg", ArgSpec.optional(Type.ANY, "All assertions passed"),
            "quiet", ArgSpec.optional(Type.BOOL, false)),
        false,
        false,
        List.<Set<String>>of());
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) {
    try {
      Args a = Args.of(this, args);
      List<String> that = a.list("that");
      if (that.isEmpty()) {
        throw a.bad("'that' needs at least one condition");
      }
      // quiet only changes what Ansible prints; the result is the same, so it is only validated.
      a.bool("quiet", false);
      Object failMsg = args.get("fail_msg") != null ? args.get("fail_msg") : args.get("msg");
      for (String condition : that) {
        boolean holds;
        try {
          holds = ctx.test(condition);
        } catch (TemplateException e) {
          throw new TaskFailure(
              "assert: cannot evaluate '" + condition + "': " + e.getMessage(),
              Map.of("assertion", condition));
        }
        if (!holds) {
          Object msg = failMsg != null ? failMsg : "Assertion failed";
          String text =
              failMsg != null ? String.valueOf(failMsg) : "Assertion failed: " + condition;
          return new TaskResult.Failed(
              text, TaskResult.data("msg", msg, "assertion", condition, "evaluated_to", false));
        }
      }
      Object success =
          args.get("success_msg") != null ? args.get("success_msg") : "All assertions passed";
      return new TaskResult.Ok(String.valueOf(success), TaskResult.data("msg", success));
    } catch (TaskFailure f) {
      return f.toResult(name());
    }
  }
}

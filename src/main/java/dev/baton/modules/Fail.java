package dev.baton.modules;

import dev.baton.modules.ArgSpec.Type;
import java.util.Map;

/** Ansible's {@code fail}: stops the host with the given message. */
final class Fail implements Module {
  static final String DEFAULT_MSG = "Failed as requested from task";

  @Override
  public String name() {
    return "fail";
  }

  @Override
  public ArgSpec args() {
    return ArgSpec.of(Map.of("msg", ArgSpec.optional(Type.ANY, DEFAULT_MSG)));
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) {
    Object msg = args.get("msg");
    String text = msg == null ? DEFAULT_MSG : String.valueOf(msg);
    return new TaskResult.Failed(text, TaskResult.data("msg", msg == null ? DEFAULT_MSG : msg));
  }
}

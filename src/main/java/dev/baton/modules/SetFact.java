package dev.baton.modules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ansible's {@code set_fact}: every argument becomes a host variable. The facts travel in the
 * result under {@code ansible_facts}, which the engine merges into the host's variables.
 */
final class SetFact implements Module {

  @Override
  public String name() {
    return "set_fact";
  }

  @Override
  public ArgSpec args() {
    return new ArgSpec(Map.of(), true, true, List.of());
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) {
    try {
      Map<String, Object> facts = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : args.entrySet()) {
        if (e.getKey().equals("cacheable")) {
          continue;
        }
        if (e.getKey().equals("_raw_params")) {
          facts.putAll(keyValues(String.valueOf(e.getValue())));
        } else {
          facts.put(e.getKey(), e.getValue());
        }
      }
      if (facts.isEmpty()) {
        throw new TaskFailure(
            "set_fact: no key/value pairs provided, at least one is required for this action to"
                + " succeed");
      }
      for (String key : facts.keySet()) {
        if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw new TaskFailure(
              "set_fact: the variable name '"
                  + key
                  + "' is not valid. Variables must start with a letter or underscore character,"
                  + " and contain only letters, numbers and underscores.");
        }
      }
      Map<String, Object> data = TaskResult.data("ansible_facts", facts);
      if (args.containsKey("cacheable")) {
        data.put("cacheable", Args.of(this, args).bool("cacheable", false));
      }
      return new TaskResult.Ok("", data);
    } catch (TaskFailure f) {
      return f.toResult(name());
    }
  }

  /** {@code set_fact: a=1 b="two words"}: the old key=value form; yes/no become booleans. */
  private static Map<String, Object> keyValues(String raw) throws TaskFailure {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String word : Args.shellWords(raw)) {
      int eq = word.indexOf('=');
      if (eq <= 0) {
        throw new TaskFailure("set_fact: expected key=value, got: " + word);
      }
      String v = word.substring(eq + 1);
      Object value =
          switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "yes", "true" -> Boolean.TRUE;
            case "no", "false" -> Boolean.FALSE;
            default -> v;
          };
      out.put(word.substring(0, eq), value);
    }
    return out;
  }
}

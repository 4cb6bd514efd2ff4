package dev.baton.modules;

import dev.baton.modules.ArgSpec.Type;
import dev.baton.ssh.ShellQuote;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's {@code shell}: the free-form text is a shell script run by {@code /bin/sh -c} (or by
 * {@code executable}), whatever the login user's shell is. The script is passed as one quoted word,
 * so its pipes and variables are the shell's, while chdir, creates and removes are quoted.
 */
final class Shell implements Module {

  @Override
  public String name() {
    return "shell";
  }

  @Override
  public ArgSpec args() {
    Map<String, ArgSpec.Param> p = new LinkedHashMap<>(Command.COMMON);
    p.put("_raw_params", ArgSpec.optional(Type.STRING, null));
    p.put("cmd", ArgSpec.optional(Type.STRING, null));
    p.put("executable", ArgSpec.optional(Type.PATH, null));
    return new ArgSpec(p, true, false, List.of(Set.of("_raw_params", "cmd")));
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    try {
      Map<String, Object> all = new LinkedHashMap<>(args);
      String script = null;
      if (args.get("_raw_params") != null) {
        var split = CommandRun.inlineOptions(String.valueOf(args.get("_raw_params")));
        script = split.getKey();
        split.getValue().forEach(all::putIfAbsent);
      }
      Args a = Args.of(this, all);
      if (script != null && a.has("cmd")) {
        throw a.bad("give either a free-form script or cmd, not both");
      }
      if (script == null) {
        script = a.str("cmd");
      }
      if (script == null || script.isBlank()) {
        throw a.bad("no command given");
      }
      String shell = a.str("executable", "/bin/sh");
      String line = "exec " + ShellQuote.quote(shell) + " -c " + ShellQuote.quote(script);
      return CommandRun.run(ctx, line, script, CommandRun.options(a));
    } catch (TaskFailure f) {
      return f.toResult(name());
    }
  }
}

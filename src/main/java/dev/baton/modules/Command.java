package dev.baton.modules;

import dev.baton.modules.ArgSpec.Type;
import dev.baton.ssh.ShellQuote;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's {@code command}: runs a program with its arguments and no shell features. Every word is
 * quoted, so {@code $HOME}, {@code ;} or {@code $(...)} in an argument arrive literally. The
 * program replaces the shell ({@code exec}), as Ansible runs it without one: {@code echo} is {@code
 * /bin/echo}, not the shell's builtin, and no shell process waits for it (one fork less per task on
 * the host).
 */
final class Command implements Module {
  static final Map<String, ArgSpec.Param> COMMON =
      Map.of(
          "chdir", ArgSpec.optional(Type.PATH, null),
          "creates", ArgSpec.optional(Type.PATH, null),
          "removes", ArgSpec.optional(Type.PATH, null),
          "stdin", ArgSpec.optional(Type.STRING, null),
          "stdin_add_newline", ArgSpec.optional(Type.BOOL, true),
          "strip_empty_ends", ArgSpec.optional(Type.BOOL, true));

  @Override
  public String name() {
    return "command";
  }

  @Override
  public ArgSpec args() {
    Map<String, ArgSpec.Param> p = new LinkedHashMap<>(COMMON);
    p.put("_raw_params", ArgSpec.optional(Type.STRING, null));
    p.put("cmd", ArgSpec.optional(Type.STRING, null));
    p.put("argv", ArgSpec.optional(Type.LIST, null));
    p.put("expand_argument_vars", ArgSpec.optional(Type.BOOL, false));
    return new ArgSpec(p, true, false, List.of(Set.of("_raw_params", "cmd", "argv")));
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    try {
      Map<String, Object> all = new LinkedHashMap<>(args);
      String free = null;
      if (args.get("_raw_params") != null) {
        var split = CommandRun.inlineOptions(String.valueOf(args.get("_raw_params")));
        free = split.getKey();
        split.getValue().forEach(all::putIfAbsent);
      }
      Args a = Args.of(this, all);
      if (a.bool("expand_argument_vars", false)) {
        throw a.bad("expand_argument_vars is not supported: arguments are passed literally");
      }
      List<String> argv;
      if (a.has("argv")) {
        if (free != null || a.has("cmd")) {
          throw a.bad("give only one of a free-form command, cmd or argv");
        }
        argv = a.list("argv");
      } else {
        String line = free != null ? free : a.str("cmd");
        if (free != null && a.has("cmd")) {
          throw a.bad("give only one of a free-form command, cmd or argv");
        }
        argv = line == null ? List.of() : Args.shellWords(line);
      }
      if (argv.isEmpty() || argv.get(0).isBlank()) {
        throw a.bad("no command given");
      }
      return CommandRun.run(ctx, "exec " + ShellQuote.join(argv), argv, CommandRun.options(a));
    } catch (TaskFailure f) {
      return f.toResult(name());
    }
  }
}

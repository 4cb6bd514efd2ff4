package dev.baton.playbook;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Args;
import dev.baton.modules.Module;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.TaskFailure;
import dev.baton.modules.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ansible's {@code include_vars}: reads a YAML or JSON file of variables on the jump host (as
 * Ansible does: the file is the controller's), found beside the playbook or in its {@code vars/},
 * and sets them for the host, under {@code name} when given. A vaulted file is decrypted with the
 * run's vault secrets.
 */
public final class IncludeVars implements Module {
  @Override
  public String name() {
    return "include_vars";
  }

  @Override
  public ArgSpec args() {
    Map<String, ArgSpec.Param> p = new LinkedHashMap<>();
    p.put("_raw_params", ArgSpec.optional(Type.STRING, null));
    p.put("file", ArgSpec.optional(Type.STRING, null));
    p.put("name", ArgSpec.optional(Type.STRING, null));
    return new ArgSpec(p, true, false, List.of(java.util.Set.of("_raw_params", "file")));
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) {
    try {
      Args a = Args.of(this, args);
      String given = a.string("file", a.string("_raw_params"));
      if (given == null) {
        throw a.bad("needs a file");
      }
      Path file = ctx.searchPath().find("vars", given).filter(Files::isRegularFile).orElse(null);
      if (file == null) {
        throw a.bad(
            "no file " + given + " (looked in " + ctx.searchPath().looked("vars", given) + ")");
      }
      Map<String, Object> vars;
      try {
        // The same YAML 1.1 reading as vars_files (yes is true, 0644 is octal), vault included.
        vars = new LinkedHashMap<>(VarsFiles.load(file));
      } catch (PlaybookException e) {
        throw a.bad(e.getMessage().lines().findFirst().orElse(""));
      }
      String ns = a.string("name");
      Map<String, Object> facts = ns == null ? vars : Map.of(ns, vars);
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("ansible_facts", facts);
      data.put("ansible_included_var_files", List.of(file.toString()));
      return new TaskResult.Ok("", data);
    } catch (TaskFailure f) {
      return f.toResult(name());
    }
  }
}

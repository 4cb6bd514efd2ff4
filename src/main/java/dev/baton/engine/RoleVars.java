package dev.baton.engine;

import dev.baton.core.Mark;
import dev.baton.playbook.PlaybookException;
import dev.baton.playbook.Role;
import dev.baton.template.TemplateException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One host's values of a play's roles, read and rendered when the play starts, combined as
 * ansible-core 2.14's VariableManager and Role combine them: a role's defaults are its
 * dependencies' then its own (a dependency also sees the defaults of the roles that depend on it);
 * its vars are those of the roles that depend on it ({@code vars/main.yml}), its dependencies'
 * vars, its invocation's {@code vars:}, then its own {@code vars/main.yml}.
 */
final class RoleVars {
  static final RoleVars NONE = new RoleVars(List.of(), Map.of(), Map.of());

  private final Map<Role, Map<String, Object>> defaults;
  private final Map<Role, Map<String, Object>> vars;

  /** Every role's defaults and every role's vars, combined once for the play's tasks. */
  private final Map<String, Object> playDefaults = new LinkedHashMap<>();

  private final Map<String, Object> exported = new LinkedHashMap<>();

  private RoleVars(
      List<Role> playRoles,
      Map<Role, Map<String, Object>> defaults,
      Map<Role, Map<String, Object>> vars) {
    this.defaults = defaults;
    this.vars = vars;
    for (Role r : playRoles) {
      playDefaults.putAll(defaultsOf(r, List.of()));
      exported.putAll(varsOf(r, List.of()));
    }
  }

  /**
   * Reads (once per file, through {@code files}) and renders for one host every role of the play
   * and their dependencies; {@code scope} is what the values may refer to (inventory, play vars).
   */
  static RoleVars load(
      List<Role> playRoles,
      Runner.Setup setup,
      Map<String, Object> scope,
      Map<String, Map<String, Object>> files,
      Mark mark)
      throws PlaybookException, TemplateException {
    if (playRoles.isEmpty()) {
      return NONE;
    }
    Set<Role> every = new LinkedHashSet<>();
    for (Role r : playRoles) {
      every.addAll(r.allDependencies());
      every.add(r);
    }
    Map<Role, Map<String, Object>> defaults = new HashMap<>();
    Map<Role, Map<String, Object>> vars = new HashMap<>();
    for (Role r : every) {
      Map<String, Object> d = read(r.defaultsFile().orElse(null), setup, files);
      Map<String, Object> main = read(r.varsFile().orElse(null), setup, files);
      Map<String, Object> s = new LinkedHashMap<>(d);
      s.putAll(scope);
      s.putAll(main);
      defaults.put(r, PlayScope.renderAll(d, s, setup, fileMark(r.defaultsFile(), mark)));
      Map<String, Object> v = new LinkedHashMap<>(r.vars());
      v.putAll(main);
      vars.put(r, PlayScope.renderAll(v, s, setup, fileMark(r.varsFile(), mark)));
    }
    return new RoleVars(playRoles, defaults, vars);
  }

  private static Mark fileMark(java.util.Optional<Path> file, Mark otherwise) {
    return file.map(f -> new Mark(f.toString(), 1, 1)).orElse(otherwise);
  }

  private static Map<String, Object> read(
      Path file, Runner.Setup setup, Map<String, Map<String, Object>> files)
      throws PlaybookException {
    if (file == null) {
      return Map.of();
    }
    Map<String, Object> loaded = files.get(file.toString());
    if (loaded == null) {
      loaded = setup.varsLoader().load(file, new Mark(file.toString(), 1, 1));
      files.put(file.toString(), loaded);
    }
    return loaded;
  }

  /** Below the inventory: every role's defaults, then those of the task's own roles. */
  Map<String, Object> defaultsFor(List<Role> chain) {
    if (chain.isEmpty()) {
      return java.util.Collections.unmodifiableMap(playDefaults);
    }
    Map<String, Object> out = new LinkedHashMap<>(playDefaults);
    out.putAll(defaultsOf(chain.get(chain.size() - 1), chain.subList(0, chain.size() - 1)));
    return out;
  }

  /** Over the play's vars_files, for every task of the play: every role's vars. */
  Map<String, Object> exported() {
    return java.util.Collections.unmodifiableMap(exported);
  }

  /** Over {@link #exported}, for a role's own tasks: its vars, as its dependency chain has them. */
  Map<String, Object> ownVars(List<Role> chain) {
    if (chain.isEmpty()) {
      return Map.of();
    }
    return varsOf(chain.get(chain.size() - 1), chain.subList(0, chain.size() - 1));
  }

  private Map<String, Object> defaultsOf(Role r, List<Role> parents) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Role d : r.allDependencies()) {
      out.putAll(defaults.getOrDefault(d, Map.of()));
    }
    for (Role p : parents) {
      out.putAll(defaults.getOrDefault(p, Map.of()));
    }
    out.putAll(defaults.getOrDefault(r, Map.of()));
    return out;
  }

  private Map<String, Object> varsOf(Role r, List<Role> parents) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Role p : parents) {
      // A parent's own vars/main.yml (its invocation vars are not inherited), as
      // get_inherited_vars.
      Map<String, Object> v = new LinkedHashMap<>(vars.getOrDefault(p, Map.of()));
      p.vars().keySet().forEach(k -> v.keySet().remove(k));
      out.putAll(v);
    }
    for (Role d : r.allDependencies()) {
      out.putAll(vars.getOrDefault(d, Map.of()));
    }
    out.putAll(vars.getOrDefault(r, Map.of()));
    return out;
  }

  /**
   * Over registered values, for a role's own tasks: its params and its parents', outermost first.
   */
  static Map<String, Object> params(List<Role> chain) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Role r : chain) {
      out.putAll(r.params());
    }
    return out;
  }
}

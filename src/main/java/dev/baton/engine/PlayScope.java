package dev.baton.engine;

import dev.baton.core.Mark;
import dev.baton.playbook.Play;
import dev.baton.playbook.PlaybookException;
import dev.baton.template.TemplateException;
import dev.baton.template.Templater;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A play's variables per host: its {@code vars}, {@code vars_files} and its roles' vars, rendered
 * once when the play starts, above the inventory and below registered values, facts and extra vars;
 * and its roles' values for {@link TaskStep} to place ({@link RoleVars}).
 */
final class PlayScope {
  private final Map<String, Map<String, Object>> byHost;
  private final List<String> playHosts;
  private final Map<String, RoleVars> roles;

  private PlayScope(
      Map<String, Map<String, Object>> byHost,
      List<String> playHosts,
      Map<String, RoleVars> roles) {
    this.byHost = byHost;
    this.playHosts = playHosts;
    this.roles = roles;
  }

  /** The values of the play's roles on this host. */
  RoleVars rolesOf(String host) {
    return roles.getOrDefault(host, RoleVars.NONE);
  }

  static PlayScope load(
      Play play,
      Runner.Setup setup,
      List<String> hosts,
      Function<String, Map<String, Object>> baseVars)
      throws PlaybookException, TemplateException {
    Templater t = setup.templater();
    Path dir = play.dir();
    Map<String, Map<String, Object>> files = new HashMap<>();
    Map<String, Map<String, Object>> byHost = new LinkedHashMap<>();
    Map<String, RoleVars> roles = new HashMap<>();
    Map<String, Object> roleNames = roleNames(play);
    for (String h : hosts) {
      Map<String, Object> scope = new LinkedHashMap<>(baseVars.apply(h));
      scope.put("playbook_dir", dir.toString());
      scope.put("ansible_play_hosts", hosts);
      scope.put("play_hosts", hosts);
      Map<String, Object> playVars = renderAll(play.vars(), scope, setup, play.mark());
      scope.putAll(playVars);
      for (String f : play.varsFiles()) {
        String name = String.valueOf(t.render(f, scope, play.mark()));
        Path file = dir.resolve(name);
        Map<String, Object> loaded = files.get(file.toString());
        if (loaded == null) {
          loaded = setup.varsLoader().load(file, play.mark());
          files.put(file.toString(), loaded);
        }
        Map<String, Object> rendered = renderAll(loaded, scope, setup, play.mark());
        playVars.putAll(rendered);
        scope.putAll(rendered);
      }
      RoleVars rv = RoleVars.load(play.roles(), setup, scope, files, play.mark());
      playVars.putAll(rv.exported());
      playVars.putAll(roleNames);
      scope.putAll(setup.options().extraVars());
      byHost.put(h, playVars);
      roles.put(h, rv);
    }
    return new PlayScope(byHost, hosts, roles);
  }

  /** Ansible's magic role names: the play's roles, and with their dependencies. */
  private static Map<String, Object> roleNames(Play play) {
    if (play.roles().isEmpty()) {
      return Map.of();
    }
    List<String> direct = play.roles().stream().map(r -> r.name()).toList();
    java.util.Set<String> deps = new java.util.LinkedHashSet<>();
    for (var r : play.roles()) {
      r.allDependencies().forEach(d -> deps.add(d.name()));
    }
    java.util.Set<String> all = new java.util.LinkedHashSet<>(deps);
    all.addAll(direct);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ansible_role_names", List.copyOf(all));
    m.put("ansible_play_role_names", direct);
    m.put("ansible_dependent_role_names", List.copyOf(deps));
    m.put("role_names", direct);
    return m;
  }

  /**
   * Renders variables that may refer to each other in any order, as Ansible's lazy templating
   * allows: repeated passes until every value renders, then one last pass that reports the first
   * real error.
   */
  static Map<String, Object> renderAll(
      Map<String, Object> raw, Map<String, Object> outer, Runner.Setup setup, Mark mark)
      throws TemplateException {
    Map<String, Object> done = new LinkedHashMap<>();
    Map<String, Object> pending = new LinkedHashMap<>(raw);
    Templater t = setup.templater();
    while (!pending.isEmpty()) {
      int before = pending.size();
      var it = pending.entrySet().iterator();
      while (it.hasNext()) {
        var e = it.next();
        Map<String, Object> scope = new LinkedHashMap<>(outer);
        scope.putAll(done);
        try {
          done.put(e.getKey(), t.render(e.getValue(), scope, mark));
          it.remove();
        } catch (TemplateException ignored) {
          // Possibly refers to a variable of this map not rendered yet; retried next pass.
        }
      }
      if (pending.size() == before) {
        Map<String, Object> scope = new LinkedHashMap<>(outer);
        scope.putAll(done);
        var first = pending.entrySet().iterator().next();
        t.render(first.getValue(), scope, mark);
        throw new TemplateException(mark, "variable '" + first.getKey() + "' cannot be rendered");
      }
    }
    Map<String, Object> ordered = new LinkedHashMap<>();
    raw.keySet().forEach(k -> ordered.put(k, done.get(k)));
    return ordered;
  }

  Map<String, Object> varsOf(String host) {
    return byHost.getOrDefault(host, Map.of());
  }

  List<String> playHosts() {
    return playHosts;
  }
}

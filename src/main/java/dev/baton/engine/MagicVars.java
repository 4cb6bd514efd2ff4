package dev.baton.engine;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The variables Ansible defines for every host: inventory_hostname, groups, hostvars, ... */
final class MagicVars {
  /** The value of {@code omit}: an argument rendered to it is dropped, as in Ansible. */
  static final String OMIT = "__baton_omit_place_holder__";

  /**
   * The ansible-core release whose meaning baton's parity tests check (docs/playbook.md), for
   * playbooks that test {@code ansible_version}.
   */
  static final Map<String, Object> ANSIBLE_VERSION =
      Map.of("full", "2.14.18", "major", 2, "minor", 14, "revision", 18, "string", "2.14.18");

  private MagicVars() {}

  static Map<String, Object> of(
      String host, Runner.Setup setup, Function<String, Map<String, Object>> hostVarsOf) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("inventory_hostname", host);
    m.put(
        "inventory_hostname_short",
        host.contains(".") ? host.substring(0, host.indexOf('.')) : host);
    m.put("group_names", setup.inventory().groupNamesOf(host));
    m.put("groups", setup.inventory().groups());
    m.put("hostvars", new HostVarsView(setup.inventory(), hostVarsOf));
    m.put("ansible_check_mode", setup.options().check());
    m.put("ansible_verbosity", setup.options().verbosity());
    m.put("playbook_dir", setup.playbook().path().toAbsolutePath().getParent().toString());
    m.putAll(setup.inventory().sourceOf(host));
    m.put(
        "ansible_run_tags",
        setup.options().tags().isEmpty() ? List.of("all") : List.copyOf(setup.options().tags()));
    m.put("ansible_skip_tags", List.copyOf(setup.options().skipTags()));
    m.put("ansible_version", ANSIBLE_VERSION);
    m.put("omit", OMIT);
    m.put("baton_run_id", setup.runId());
    m.put("baton_resume_of", setup.options().resumeFrom());
    // Stable across every resume of one failback: names its backup and preserve directories.
    m.put("baton_run_root", setup.rootRunId());
    return m;
  }

  /**
   * {@code hostvars} computed on access: building every host's variables for every task would cost
   * O(hosts²) per task on a large inventory. Even the set of host names is made only when a
   * template asks: most tasks never read {@code hostvars}, and the engine makes this view for every
   * task on every host.
   */
  private static final class HostVarsView extends AbstractMap<String, Object> {
    private final HostInventory inventory;
    private final Function<String, Map<String, Object>> hostVarsOf;
    private Set<String> all;

    HostVarsView(HostInventory inventory, Function<String, Map<String, Object>> hostVarsOf) {
      this.inventory = inventory;
      this.hostVarsOf = hostVarsOf;
    }

    private Set<String> all() {
      if (all == null) {
        all = new LinkedHashSet<>(inventory.select("all"));
      }
      return all;
    }

    @Override
    public Object get(Object key) {
      return containsKey(key) ? hostVarsOf.apply((String) key) : null;
    }

    @Override
    public boolean containsKey(Object key) {
      return all().contains(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      Set<Entry<String, Object>> out = new LinkedHashSet<>();
      for (String h : all()) {
        out.add(new SimpleImmutableEntry<>(h, hostVarsOf.apply(h)));
      }
      return out;
    }
  }
}

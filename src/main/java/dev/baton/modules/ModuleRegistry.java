package dev.baton.modules;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The modules a run knows, by name: baton's own, then (when given) the Ansible modules installed on
 * the jump host. The playbook loader rejects any other name.
 */
public final class ModuleRegistry {
  private final Map<String, Module> byName;
  private final AnsibleModules ansible;

  public ModuleRegistry(Collection<? extends Module> modules) {
    this(modules, null);
  }

  /** Baton's modules, and for any other name the Ansible module {@code ansible} finds. */
  public ModuleRegistry(Collection<? extends Module> modules, AnsibleModules ansible) {
    this.ansible = ansible;
    Map<String, Module> m = new TreeMap<>();
    for (Module module : modules) {
      if (m.put(module.name(), module) != null) {
        throw new IllegalArgumentException("two modules named " + module.name());
      }
    }
    this.byName = Map.copyOf(m);
  }

  public Optional<Module> find(String name) {
    Module own = byName.get(name);
    if (own != null || ansible == null || AnsibleModules.refusal(name).isPresent()) {
      return Optional.ofNullable(own);
    }
    return ansible.find(name);
  }

  /**
   * Why {@link #find} found nothing, when there is more to say than "unknown": a module Ansible has
   * whose action plugin baton does not run, or no ansible-core on the jump host to run it from.
   */
  public Optional<String> whyNot(String name) {
    if (byName.containsKey(name)) {
      return Optional.empty();
    }
    Optional<String> refused = AnsibleModules.refusal(name);
    if (refused.isPresent() || ansible == null) {
      return refused;
    }
    if (ansible.ansibleDir().isEmpty()) {
      return Optional.of(
          "unknown module '"
              + name
              + "': baton runs Ansible's modules from an ansible-core installed on the jump host,"
              + " and none was found (apt-get install ansible-core, or set BATON_ANSIBLE_DIR)");
    }
    return Optional.empty();
  }

  public java.util.SortedSet<String> names() {
    return new java.util.TreeSet<>(byName.keySet());
  }
}

package dev.baton.modules;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The modules a run knows, by name. The playbook loader rejects any other name. */
public final class ModuleRegistry {
  private final Map<String, Module> byName;

  public ModuleRegistry(Collection<? extends Module> modules) {
    Map<String, Module> m = new TreeMap<>();
    for (Module module : modules) {
      if (m.put(module.name(), module) != null) {
        throw new IllegalArgumentException("two modules named " + module.name());
      }
    }
    this.byName = Map.copyOf(m);
  }

  public Optional<Module> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public java.util.SortedSet<String> names() {
    return new java.util.TreeSet<>(byName.keySet());
  }
}

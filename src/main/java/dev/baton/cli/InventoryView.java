package dev.baton.cli;

import dev.baton.engine.HostInventory;
import dev.baton.inventory.Group;
import dev.baton.inventory.Inventory;
import dev.baton.inventory.InventoryException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The engine's view of a loaded inventory. */
final class InventoryView implements HostInventory {
  private final Inventory inventory;
  private final Map<String, List<String>> groups = new LinkedHashMap<>();

  InventoryView(Inventory inventory) {
    this.inventory = inventory;
    for (Group g : inventory.groups()) {
      groups.put(g.name(), inventory.hostsOf(g.name()));
    }
  }

  @Override
  public List<String> select(String pattern) {
    try {
      return inventory.select(pattern);
    } catch (InventoryException e) {
      // Patterns are validated before the run; one built by a template can still be wrong.
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public Map<String, Object> varsOf(String host) {
    return inventory.hasHost(host) || inventory.isImplicitLocalhost(host)
        ? inventory.varsOf(host)
        : Map.of();
  }

  @Override
  public Map<String, List<String>> groups() {
    return groups;
  }

  @Override
  public Map<String, Object> sourceOf(String host) {
    if (!inventory.hasHost(host)) {
      return Map.of();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> magic = inventory.magicVarsOf(host);
    m.put("inventory_file", magic.get("inventory_file"));
    m.put("inventory_dir", magic.get("inventory_dir"));
    return m;
  }

  @Override
  public List<String> groupNamesOf(String host) {
    return inventory.hasHost(host) ? inventory.groupNamesOf(host) : List.of();
  }
}

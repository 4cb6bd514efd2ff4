package dev.baton.engine;

import java.util.List;
import java.util.Map;

/** What the engine needs from an inventory: hosts by pattern, their variables and groups. */
public interface HostInventory {
  /** Hosts matching an Ansible host pattern, in inventory order. */
  List<String> select(String pattern);

  /** A host's variables from the inventory (group_vars, host_vars, inline), merged. */
  Map<String, Object> varsOf(String host);

  /** Every group and its hosts, for the {@code groups} variable. */
  Map<String, List<String>> groups();

  /** The groups a host belongs to, for {@code group_names}. */
  List<String> groupNamesOf(String host);

  /** {@code inventory_file} and {@code inventory_dir} of a host (absent values null). */
  default Map<String, Object> sourceOf(String host) {
    return Map.of();
  }
}

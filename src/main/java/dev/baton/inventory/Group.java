package dev.baton.inventory;

import java.util.List;

/**
 * A group as the inventory defines it: the hosts listed in it directly and its child groups, both
 * in inventory order. {@link Inventory#hostsOf(String)} gives every host, children included.
 */
public record Group(String name, List<String> hosts, List<String> children) {
  public Group {
    hosts = List.copyOf(hosts);
    children = List.copyOf(children);
  }
}

package dev.baton.inventory;

import dev.baton.core.Mark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inventory while sources are read: groups and hosts in the order they first appear, with the
 * variables set directly in inventory files. Mirrors Ansible's InventoryData rules (implicit {@code
 * all} and {@code ungrouped}, loop detection, group priority).
 */
final class Model {
  static final String ALL = "all";
  static final String UNGROUPED = "ungrouped";

  final Map<String, GroupNode> groups = new LinkedHashMap<>();
  final Map<String, HostNode> hosts = new LinkedHashMap<>();

  static final class GroupNode {
    final String name;
    final List<String> hosts = new ArrayList<>();
    final List<String> children = new ArrayList<>();
    final List<String> parents = new ArrayList<>();
    final Map<String, Sourced> vars = new LinkedHashMap<>();
    int priority = 1;

    /** Where the group is first named; an error about the name itself points there. */
    Mark mark = Mark.NONE;

    GroupNode(String name) {
      this.name = name;
    }
  }

  static final class HostNode {
    final String name;
    final String file;

    /** Where the host is first named; an error about the name itself points there. */
    final Mark mark;

    final Map<String, Sourced> vars = new LinkedHashMap<>();

    HostNode(String name, Mark mark) {
      this.name = name;
      this.file = mark.file();
      this.mark = mark;
    }
  }

  Model() {
    group(ALL);
    group(UNGROUPED);
    groups.get(ALL).children.add(UNGROUPED);
    groups.get(UNGROUPED).parents.add(ALL);
  }

  GroupNode group(String name) {
    return groups.computeIfAbsent(name, GroupNode::new);
  }

  /** As {@link #group(String)}, remembering where the group was first named. */
  GroupNode group(String name, Mark mark) {
    GroupNode g = group(name);
    if (g.mark == Mark.NONE) {
      g.mark = mark;
    }
    return g;
  }

  /** Adds a host (and its port, only when the host is new, as Ansible does) to a group. */
  void addHost(String host, String group, Integer port, Mark mark) {
    HostNode h = hosts.get(host);
    if (h == null) {
      h = new HostNode(host, mark);
      hosts.put(host, h);
      if (port != null) {
        h.vars.put("ansible_port", new Sourced(port, mark));
      }
    }
    if (group != null) {
      GroupNode g = groups.get(group);
      if (!g.hosts.contains(host)) {
        g.hosts.add(host);
      }
    }
  }

  void addChild(String parent, String child, Mark mark) throws InventoryException {
    GroupNode p = groups.get(parent);
    GroupNode c = groups.get(child);
    if (parent.equals(child) || ancestors(parent).contains(child)) {
      throw new InventoryException(
          mark,
          "adding group '"
              + child
              + "' as child to '"
              + parent
              + "' creates a recursive dependency loop");
    }
    if (!p.children.contains(child)) {
      p.children.add(child);
    }
    if (!c.parents.contains(parent)) {
      c.parents.add(parent);
    }
  }

  void setGroupVar(String group, String key, Object value, Mark mark) throws InventoryException {
    if (key.equals("ansible_group_priority")) {
      groups.get(group).priority = priority(value, mark);
      return;
    }
    groups.get(group).vars.put(key, new Sourced(value, mark));
  }

  void setHostVar(String host, String key, Object value, Mark mark) {
    hosts.get(host).vars.put(key, new Sourced(value, mark));
  }

  private static int priority(Object value, Mark mark) throws InventoryException {
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (value instanceof Number n) {
      return n.intValue();
    }
    try {
      return Integer.parseInt(String.valueOf(value).trim());
    } catch (NumberFormatException e) {
      throw new InventoryException(
          mark, "ansible_group_priority must be a whole number, got '" + value + "'");
    }
  }

  Set<String> ancestors(String group) {
    Set<String> seen = new HashSet<>();
    List<String> todo = new ArrayList<>(groups.get(group).parents);
    while (!todo.isEmpty()) {
      String g = todo.remove(todo.size() - 1);
      if (seen.add(g)) {
        todo.addAll(groups.get(g).parents);
      }
    }
    return seen;
  }

  /**
   * Ansible's reconcile step: groups without a parent become children of {@code all}; a host that
   * is in no group but {@code all} goes to {@code ungrouped}, and leaves it once it has a group.
   */
  void reconcile() {
    for (GroupNode g : groups.values()) {
      if (!g.name.equals(ALL) && g.parents.isEmpty()) {
        groups.get(ALL).children.add(g.name);
        g.parents.add(ALL);
      }
    }
    Map<String, Set<String>> groupsOfHost = directGroups();
    GroupNode ungrouped = groups.get(UNGROUPED);
    for (HostNode h : hosts.values()) {
      Set<String> direct = groupsOfHost.getOrDefault(h.name, Set.of());
      Set<String> others = new HashSet<>(direct);
      others.remove(ALL);
      others.remove(UNGROUPED);
      if (direct.contains(UNGROUPED)) {
        if (!others.isEmpty()) {
          ungrouped.hosts.remove(h.name);
        }
      } else if (others.isEmpty()) {
        ungrouped.hosts.add(h.name);
      }
    }
  }

  private Map<String, Set<String>> directGroups() {
    Map<String, Set<String>> out = new HashMap<>();
    for (GroupNode g : groups.values()) {
      for (String h : g.hosts) {
        out.computeIfAbsent(h, k -> new HashSet<>()).add(g.name);
      }
    }
    return out;
  }
}

package dev.baton.inventory;

import dev.baton.core.Mark;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads a YAML inventory ({@code all: {hosts, children, vars}}) into the model with the rules of
 * Ansible's yaml plugin. Where Ansible only warns and skips (a key other than hosts, children and
 * vars; a group that is not a mapping) baton refuses, because the skipped part is usually a typo
 * that silently drops hosts or variables.
 */
final class YamlInventory {
  private final Model model;
  private final String file;

  private YamlInventory(Model model, String file) {
    this.model = model;
    this.file = file;
  }

  static void parse(Model model, Yaml11.Document doc) throws InventoryException {
    Node root = doc.root().orElse(null);
    Mark start = new Mark(doc.file(), 1, 1);
    if (root == null || isNull(root)) {
      throw new InventoryException(start, "empty YAML inventory");
    }
    if (!(root instanceof MappingNode map)) {
      throw new InventoryException(
          Yaml11.mark(doc.file(), root),
          "a YAML inventory is a mapping of group names (e.g. 'all:'), got a "
              + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    YamlInventory y = new YamlInventory(model, doc.file());
    for (NodeTuple t : map.getValue()) {
      if (Yaml11.key(doc.file(), t.getKeyNode()).equals("plugin")) {
        throw new InventoryException(
            Yaml11.mark(doc.file(), t.getKeyNode()),
            "inventory plugin configuration files are not supported by baton");
      }
    }
    y.checkDuplicates(map);
    for (NodeTuple t : map.getValue()) {
      y.group(Yaml11.key(doc.file(), t.getKeyNode()), t.getKeyNode(), t.getValueNode());
    }
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode s && s.getTag().equals(org.snakeyaml.engine.v2.nodes.Tag.NULL);
  }

  private void checkDuplicates(MappingNode map) throws InventoryException {
    Yaml11.entries(file, map); // refuses duplicate keys with their place
  }

  private String group(String name, Node keyNode, Node data) throws InventoryException {
    Mark at = Yaml11.mark(file, keyNode);
    if (name.isEmpty() || name.equals("null")) {
      throw new InventoryException(at, "empty group name");
    }
    if (!isNull(data) && !(data instanceof MappingNode)) {
      throw new InventoryException(
          Yaml11.mark(file, data),
          "group '" + name + "' must be a mapping with hosts, children and/or vars");
    }
    model.group(name, at);
    if (isNull(data)) {
      return name;
    }
    MappingNode map = (MappingNode) data;
    checkDuplicates(map);
    for (NodeTuple t : map.getValue()) {
      String section = Yaml11.key(file, t.getKeyNode());
      Node value = t.getValueNode();
      Mark sectionMark = Yaml11.mark(file, t.getKeyNode());
      if (!section.equals("vars") && !section.equals("children") && !section.equals("hosts")) {
        throw new InventoryException(
            sectionMark,
            "unexpected key '"
                + section
                + "' in group '"
                + name
                + "': only hosts, children and vars are valid");
      }
      if (isNull(value)) {
        continue;
      }
      if (value instanceof ScalarNode s) {
        // Ansible accepts "hosts: web1" as "hosts: {web1: }"
        oneName(section, name, s);
        continue;
      }
      if (!(value instanceof MappingNode entries)) {
        throw new InventoryException(
            Yaml11.mark(file, value),
            "'" + section + "' of group '" + name + "' must be a mapping, got a list");
      }
      checkDuplicates(entries);
      switch (section) {
        case "vars" -> {
          for (Map.Entry<String, Sourced> v : Yaml11.entries(file, entries).entrySet()) {
            model.setGroupVar(name, v.getKey(), v.getValue().value(), v.getValue().mark());
          }
        }
        case "children" -> {
          for (NodeTuple c : entries.getValue()) {
            String child =
                group(Yaml11.key(file, c.getKeyNode()), c.getKeyNode(), c.getValueNode());
            model.addChild(name, child, Yaml11.mark(file, c.getKeyNode()));
          }
        }
        default -> {
          for (NodeTuple h : entries.getValue()) {
            hosts(name, h.getKeyNode(), h.getValueNode());
          }
        }
      }
    }
    return name;
  }

  private void oneName(String section, String group, ScalarNode s) throws InventoryException {
    switch (section) {
      case "hosts" -> hosts(group, s, null);
      case "children" -> {
        String child =
            group(
                Yaml11.key(file, s),
                s,
                new ScalarNode(
                    org.snakeyaml.engine.v2.nodes.Tag.NULL,
                    "",
                    org.snakeyaml.engine.v2.common.ScalarStyle.PLAIN));
        model.addChild(group, child, Yaml11.mark(file, s));
      }
      default ->
          throw new InventoryException(
              Yaml11.mark(file, s), "'vars' of group '" + group + "' must be a mapping");
    }
  }

  private void hosts(String group, Node keyNode, Node varsNode) throws InventoryException {
    Mark at = Yaml11.mark(file, keyNode);
    String entry = Yaml11.key(file, keyNode);
    HostPatternSpec spec = HostPatternSpec.parse(entry, at);
    Map<String, Sourced> vars = Map.of();
    if (varsNode != null && !isNull(varsNode)) {
      if (!(varsNode instanceof MappingNode m)) {
        throw new InventoryException(
            Yaml11.mark(file, varsNode),
            "variables of host '" + entry + "' must be a mapping of name: value");
      }
      vars = Yaml11.entries(file, m);
    }
    for (String host : spec.hosts()) {
      model.addHost(host, group, spec.port(), at);
      for (Map.Entry<String, Sourced> v : vars.entrySet()) {
        model.setHostVar(host, v.getKey(), v.getValue().value(), v.getValue().mark());
      }
    }
  }
}

package dev.baton.inventory;

import dev.baton.core.Mark;
import dev.baton.core.Shlex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an INI inventory into the model with the rules of Ansible's ini plugin: {@code [g]}, {@code
 * [g:vars]}, {@code [g:children]} (children may be declared before their section), host ranges,
 * {@code host:port}, inline {@code key=value} typed like Python literals.
 */
final class IniInventory {
  private static final Pattern SECTION =
      Pattern.compile("^\\[([^:\\]\\s]+)(?::(\\w+))?\\]\\s*(?:#.*)?$");
  private static final Pattern GROUP_NAME = Pattern.compile("^([^:\\]\\s]+)\\s*(?:#.*)?$");

  private final Model model;
  private final String file;

  /** A group named in {@code [p:children]} or {@code [g:vars]} before any section defines it. */
  private static final class Pending {
    final String state;
    final Mark mark;
    final List<String> parents = new ArrayList<>();

    Pending(String state, Mark mark) {
      this.state = state;
      this.mark = mark;
    }
  }

  private IniInventory(Model model, String file) {
    this.model = model;
    this.file = file;
  }

  static void parse(Model model, String file, String text) throws InventoryException {
    new IniInventory(model, file).parse(text);
  }

  private void parse(String text) throws InventoryException {
    Map<String, Pending> pending = new LinkedHashMap<>();
    String group = Model.UNGROUPED;
    String state = "hosts";
    String[] lines = text.split("\\r?\\n|\\r", -1);
    for (int n = 0; n < lines.length; n++) {
      String raw = lines[n];
      int lineNo = n + 1;
      String line = raw.strip();
      if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == ';') {
        continue;
      }
      int indent = raw.indexOf(line.charAt(0));
      Mark lineMark = new Mark(file, lineNo, indent + 1);
      Matcher m = SECTION.matcher(line);
      if (m.matches()) {
        group = m.group(1);
        state = m.group(2) == null ? "hosts" : m.group(2);
        if (!state.equals("hosts") && !state.equals("children") && !state.equals("vars")) {
          throw new InventoryException(
              lineMark,
              "section ["
                  + group
                  + ":"
                  + state
                  + "] has unknown type '"
                  + state
                  + "'"
                  + " (expected hosts, children or vars)");
        }
        if (!model.groups.containsKey(group)) {
          if (state.equals("vars") && !pending.containsKey(group)) {
            pending.put(group, new Pending(state, lineMark));
          }
          model.group(group, lineMark);
        }
        Pending p = pending.get(group);
        if (p != null && !state.equals("vars")) {
          if (p.state.equals("children")) {
            addPendingChildren(group, pending);
          } else {
            pending.remove(group);
          }
        }
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        throw new InventoryException(
            lineMark,
            "invalid section entry '"
                + line
                + "': a section name has no spaces and no ':'"
                + " other than the one before vars or children");
      }
      switch (state) {
        case "hosts" -> hostLine(raw, lineNo, group);
        case "vars" -> varLine(line, lineMark, group);
        default -> {
          Matcher g = GROUP_NAME.matcher(line);
          if (!g.matches()) {
            throw new InventoryException(lineMark, "expected a group name, got '" + line + "'");
          }
          String child = g.group(1);
          if (!model.groups.containsKey(child)) {
            pending
                .computeIfAbsent(child, k -> new Pending("children", lineMark))
                .parents
                .add(group);
          } else {
            model.addChild(group, child, lineMark);
          }
        }
      }
    }
    for (Map.Entry<String, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      if (p.state.equals("vars")) {
        throw new InventoryException(
            p.mark,
            "section ["
                + e.getKey()
                + ":vars] is for a group that is defined nowhere: "
                + e.getKey());
      }
      throw new InventoryException(
          p.mark,
          "section ["
              + p.parents.get(p.parents.size() - 1)
              + ":children] includes a group that is defined nowhere: "
              + e.getKey());
    }
  }

  private void addPendingChildren(String group, Map<String, Pending> pending)
      throws InventoryException {
    Pending p = pending.get(group);
    for (String parent : p.parents) {
      model.addChild(parent, group, p.mark);
      Pending pp = pending.get(parent);
      if (pp != null && pp.state.equals("children")) {
        addPendingChildren(parent, pending);
      }
    }
    pending.remove(group);
  }

  private void varLine(String line, Mark mark, String group) throws InventoryException {
    int eq = line.indexOf('=');
    if (eq < 0) {
      throw new InventoryException(mark, "expected key=value, got '" + line + "'");
    }
    String key = line.substring(0, eq).strip();
    String value = line.substring(eq + 1).strip();
    model.setGroupVar(group, key, PythonLiteral.valueOf(value), mark);
  }

  private void hostLine(String raw, int lineNo, String group) throws InventoryException {
    List<Shlex.Word> words;
    try {
      words = Shlex.split(raw, true);
    } catch (Shlex.SplitException e) {
      throw new InventoryException(
          new Mark(file, lineNo, e.index() + 1),
          "cannot parse host definition '" + raw.strip() + "': " + e.getMessage());
    }
    if (words.isEmpty()) {
      return; // only a comment after leading whitespace
    }
    Shlex.Word first = words.get(0);
    Mark hostMark = new Mark(file, lineNo, first.start() + 1);
    HostPatternSpec spec = HostPatternSpec.parse(first.text(), hostMark);
    if (first.text().strip().endsWith(":") && spec.port() == null) {
      throw new InventoryException(
          hostMark,
          "invalid host pattern '" + first.text() + "': a trailing ':' is reserved for a port");
    }
    Map<String, Sourced> vars = new LinkedHashMap<>();
    for (Shlex.Word w : words.subList(1, words.size())) {
      Mark m = new Mark(file, lineNo, w.start() + 1);
      int eq = w.text().indexOf('=');
      if (eq < 0) {
        throw new InventoryException(
            m, "expected key=value host variable assignment, got '" + w.text() + "'");
      }
      vars.put(
          w.text().substring(0, eq),
          new Sourced(PythonLiteral.valueOf(w.text().substring(eq + 1)), m));
    }
    for (String host : spec.hosts()) {
      if (host.strip().equals("---")) {
        throw new InventoryException(
            hostMark, "invalid host '---': this looks like a YAML file with an INI extension");
      }
      model.addHost(host, group, spec.port(), hostMark);
      for (Map.Entry<String, Sourced> v : vars.entrySet()) {
        model.setHostVar(host, v.getKey(), v.getValue().value(), v.getValue().mark());
      }
    }
  }
}

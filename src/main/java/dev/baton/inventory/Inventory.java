package dev.baton.inventory;

import dev.baton.core.Mark;
import dev.baton.core.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.MappingNode;

/**
 * An Ansible inventory read from one or more sources ({@code -i a -i b}): INI or YAML files,
 * directories of them, or {@code host1,host2,} lists, with {@code group_vars/} and {@code
 * host_vars/} beside each source. Immutable once loaded; every host's variables are merged at load
 * with Ansible's precedence, so a broken vars file fails before anything connects.
 *
 * <p>Precedence, lowest first (Ansible's default VARIABLE_PRECEDENCE): {@code all} vars in
 * inventory files; other groups' vars in inventory files, by depth, then {@code
 * ansible_group_priority}, then name; {@code group_vars/all}; {@code group_vars/GROUP} in the same
 * group order (source by source, in {@code -i} order); host vars in inventory files; {@code
 * host_vars/HOST}.
 */
public final class Inventory {
  private static final Pattern IGNORED_IN_DIR =
      Pattern.compile(
          "^\\.|^host_vars$|^group_vars$|^vars_plugins$"
              + "|(\\.pyc|\\.pyo|\\.swp|\\.bak|~|\\.rpm|\\.md|\\.txt|\\.rst|\\.orig|\\.ini|\\.cfg"
              + "|\\.retry)$");

  /** The names Ansible gives its implicit localhost ({@code C.LOCALHOST}). */
  private static final List<String> IMPLICIT_LOCALHOST = List.of("localhost", "127.0.0.1", "::1");

  private final Map<String, Group> groups;
  private final Map<String, List<String>> hostsOfGroup;
  private final List<String> hosts;
  private final List<String> declaredHosts;
  private final Map<String, Map<String, Object>> vars;
  private final Map<String, Map<String, Mark>> origins;
  private final Map<String, List<String>> groupNames;
  private final Map<String, String> firstFile;

  private Inventory(
      Map<String, Group> groups,
      Map<String, List<String>> hostsOfGroup,
      List<String> hosts,
      List<String> declaredHosts,
      Map<String, Map<String, Object>> vars,
      Map<String, Map<String, Mark>> origins,
      Map<String, List<String>> groupNames,
      Map<String, String> firstFile) {
    this.groups = groups;
    this.hostsOfGroup = hostsOfGroup;
    this.hosts = hosts;
    this.declaredHosts = declaredHosts;
    this.vars = vars;
    this.origins = origins;
    this.groupNames = groupNames;
    this.firstFile = firstFile;
  }

  /** Reads and merges the sources in order, as {@code -i} options given in that order. */
  public static Inventory load(List<Path> sources) throws InventoryException {
    if (sources.isEmpty()) {
      throw new InventoryException(Mark.NONE, "no inventory given");
    }
    Model model = new Model();
    List<Path> varsDirs = new ArrayList<>();
    for (Path source : sources) {
      String s = source.toString();
      if (!Files.exists(source)) {
        if (s.contains(",")) {
          hostList(model, s);
          continue;
        }
        throw new InventoryException(Mark.NONE, s + ": no such inventory file or directory");
      }
      if (Files.isDirectory(source)) {
        parseDir(model, source);
        varsDirs.add(source);
      } else {
        parseFile(model, source);
        Path parent = source.toAbsolutePath().getParent();
        varsDirs.add(dirAsGiven(source, parent));
      }
    }
    model.reconcile();
    return build(model, varsDirs);
  }

  /** The directory of {@code file}, spelled relative when the file was, for readable origins. */
  private static Path dirAsGiven(Path file, Path absoluteParent) {
    Path p = file.getParent();
    return p != null ? p : file.isAbsolute() ? absoluteParent : Path.of("");
  }

  private static void hostList(Model model, String list) throws InventoryException {
    Mark mark = new Mark(list, 0, 0);
    for (String h : list.split(",")) {
      String entry = h.strip();
      if (entry.isEmpty()) {
        continue;
      }
      HostPatternSpec spec;
      try {
        spec = HostPatternSpec.parse(entry, mark);
      } catch (InventoryException e) {
        spec = new HostPatternSpec(List.of(entry), null);
      }
      String host = spec.hosts().size() == 1 ? spec.hosts().get(0) : entry;
      model.addHost(host, Model.UNGROUPED, spec.port(), mark);
    }
  }

  private static void parseDir(Model model, Path dir) throws InventoryException {
    List<Path> entries;
    try (Stream<Path> s = Files.list(dir)) {
      entries = s.sorted(Comparator.comparing((Path p) -> p.getFileName().toString())).toList();
    } catch (IOException e) {
      throw new InventoryException(Mark.NONE, dir + ": cannot list: " + e.getMessage());
    }
    for (Path p : entries) {
      if (IGNORED_IN_DIR.matcher(p.getFileName().toString()).find()) {
        continue;
      }
      if (Files.isDirectory(p)) {
        parseDir(model, p);
      } else {
        parseFile(model, p);
      }
    }
  }

  private static void parseFile(Model model, Path file) throws InventoryException {
    String name = file.toString();
    String text;
    try {
      text = TextFiles.read(file);
    } catch (TextFiles.NotUtf8 e) {
      throw new InventoryException(e.mark(), "not UTF-8 text");
    } catch (IOException e) {
      throw new InventoryException(new Mark(name, 1, 1), "cannot read: " + e.getMessage());
    }
    try {
      parseText(model, file, name, text);
    } catch (StackOverflowError e) {
      // The INI line patterns and the YAML composer recurse on a very long line or deep nesting.
      throw new InventoryException(
          new Mark(name, 1, 1), "too deeply nested or too long a line to parse");
    }
  }

  private static void parseText(Model model, Path file, String name, String text)
      throws InventoryException {
    String fileName = file.getFileName().toString();
    int dot = fileName.lastIndexOf('.');
    String ext = dot > 0 ? fileName.substring(dot) : "";
    if (ext.equals(".yml") || ext.equals(".yaml") || ext.equals(".json")) {
      YamlInventory.parse(model, Yaml11.composeString(name, text));
      return;
    }
    if (ext.isEmpty()) {
      // Ansible tries YAML first for files without an extension, then INI.
      Optional<Yaml11.Document> yaml = tryYaml(name, text);
      if (yaml.isPresent()) {
        YamlInventory.parse(model, yaml.get());
        return;
      }
    }
    IniInventory.parse(model, name, text);
  }

  private static Optional<Yaml11.Document> tryYaml(String name, String text) {
    try {
      Yaml11.Document doc = Yaml11.composeString(name, text);
      if (doc.root().orElse(null) instanceof MappingNode) {
        return Optional.of(doc);
      }
    } catch (InventoryException e) {
      // not YAML: read as INI below
    }
    return Optional.empty();
  }

  private static Inventory build(Model model, List<Path> varsDirs) throws InventoryException {
    Map<String, Integer> depth = new HashMap<>();
    for (String g : model.groups.keySet()) {
      depth(model, g, depth, new HashSet<>());
    }
    Map<String, Group> groups = new LinkedHashMap<>();
    Map<String, List<String>> hostsOfGroup = new LinkedHashMap<>();
    for (Model.GroupNode g : model.groups.values()) {
      groups.put(g.name, new Group(g.name, g.hosts, g.children));
    }
    for (String g : model.groups.keySet()) {
      hostsOfGroup.put(g, List.copyOf(breadthFirstHosts(model, g)));
    }
    Map<String, Set<String>> memberOf = new HashMap<>();
    for (String g : model.groups.keySet()) {
      for (String h : hostsOfGroup.get(g)) {
        memberOf.computeIfAbsent(h, k -> new HashSet<>()).add(g);
      }
    }
    Comparator<String> precedence =
        Comparator.<String>comparingInt(depth::get)
            .thenComparingInt(g -> model.groups.get(g).priority)
            .thenComparing(Comparator.naturalOrder());
    VarsFiles files = new VarsFiles();
    Map<String, Map<String, Object>> vars = new LinkedHashMap<>();
    Map<String, Map<String, Mark>> origins = new LinkedHashMap<>();
    Map<String, List<String>> groupNames = new LinkedHashMap<>();
    Map<String, Map<String, Sourced>> groupFileVars = new HashMap<>();
    for (Model.HostNode h : model.hosts.values()) {
      List<String> hostGroups =
          memberOf.getOrDefault(h.name, Set.of()).stream()
              .filter(g -> !g.equals(Model.ALL))
              .sorted(precedence)
              .toList();
      Map<String, Sourced> merged = new LinkedHashMap<>(model.groups.get(Model.ALL).vars);
      for (String g : hostGroups) {
        merged.putAll(model.groups.get(g).vars);
      }
      for (Path dir : varsDirs) {
        merged.putAll(groupFiles(files, groupFileVars, dir, model.groups.get(Model.ALL)));
      }
      for (Path dir : varsDirs) {
        for (String g : hostGroups) {
          merged.putAll(groupFiles(files, groupFileVars, dir, model.groups.get(g)));
        }
      }
      merged.putAll(h.vars);
      for (Path dir : varsDirs) {
        merged.putAll(files.load(dir, "host_vars", h.name, h.mark));
      }
      record(h.name, merged, vars, origins);
      groupNames.put(h.name, hostGroups.stream().sorted().toList());
    }
    for (String local : IMPLICIT_LOCALHOST) {
      if (model.hosts.containsKey(local)) {
        continue;
      }
      // Ansible's implicit localhost: in no group (not in 'all'), yet with the vars of group
      // 'all' and of host_vars/<name>, and a local connection set on the host itself.
      Map<String, Sourced> merged = new LinkedHashMap<>(model.groups.get(Model.ALL).vars);
      for (Path dir : varsDirs) {
        merged.putAll(groupFiles(files, groupFileVars, dir, model.groups.get(Model.ALL)));
      }
      Mark implicit = new Mark("<implicit localhost>", 0, 0);
      merged.put("ansible_connection", new Sourced("local", implicit));
      for (Path dir : varsDirs) {
        merged.putAll(files.load(dir, "host_vars", local, implicit));
      }
      record(local, merged, vars, origins);
      groupNames.put(local, List.of());
    }
    return new Inventory(
        Collections.unmodifiableMap(groups),
        Collections.unmodifiableMap(hostsOfGroup),
        hostsOfGroup.get(Model.ALL),
        List.copyOf(model.hosts.keySet()),
        Collections.unmodifiableMap(vars),
        Collections.unmodifiableMap(origins),
        Collections.unmodifiableMap(groupNames),
        model.hosts.values().stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(h -> h.name, h -> h.file)));
  }

  /** A host's merged variables as values and, apart, where each value came from. */
  private static void record(
      String host,
      Map<String, Sourced> merged,
      Map<String, Map<String, Object>> vars,
      Map<String, Map<String, Mark>> origins) {
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, Mark> marks = new LinkedHashMap<>();
    merged.forEach(
        (k, v) -> {
          values.put(k, v.value());
          marks.put(k, v.mark());
        });
    vars.put(host, Collections.unmodifiableMap(values));
    origins.put(host, Collections.unmodifiableMap(marks));
  }

  private static Map<String, Sourced> groupFiles(
      VarsFiles files, Map<String, Map<String, Sourced>> cache, Path dir, Model.GroupNode group)
      throws InventoryException {
    String key = dir + "\0" + group.name;
    Map<String, Sourced> v = cache.get(key);
    if (v == null) {
      v = files.load(dir, "group_vars", group.name, group.mark);
      cache.put(key, v);
    }
    return v;
  }

  /** Longest path from {@code all}, which is how Ansible's group depth ends up. */
  private static int depth(Model model, String g, Map<String, Integer> memo, Set<String> path) {
    Integer known = memo.get(g);
    if (known != null) {
      return known;
    }
    int d = 0;
    if (!g.equals(Model.ALL) && path.add(g)) {
      for (String p : model.groups.get(g).parents) {
        d = Math.max(d, depth(model, p, memo, path) + 1);
      }
      path.remove(g);
    }
    memo.put(g, d);
    return d;
  }

  /**
   * Hosts of a group and its descendants, level by level as Ansible walks them: the group's own
   * hosts, then its children's, then theirs.
   */
  private static Set<String> breadthFirstHosts(Model model, String group) {
    List<String> ordered = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    ordered.add(group);
    seen.add(group);
    List<String> level = List.of(group);
    while (!level.isEmpty()) {
      List<String> next = new ArrayList<>();
      for (String g : level) {
        for (String c : model.groups.get(g).children) {
          if (seen.add(c)) {
            ordered.add(c);
            next.add(c);
          }
        }
      }
      level = next;
    }
    Set<String> hosts = new LinkedHashSet<>();
    for (String g : ordered) {
      hosts.addAll(model.groups.get(g).hosts);
    }
    return hosts;
  }

  /** Every host, in inventory order (the order of {@code all}). */
  public List<String> hosts() {
    return hosts;
  }

  /** Every group, {@code all} and {@code ungrouped} first, then in the order they appear. */
  public List<Group> groups() {
    return List.copyOf(groups.values());
  }

  public Optional<Group> group(String name) {
    return Optional.ofNullable(groups.get(name));
  }

  /** True for a host the inventory names (not the implicit localhost). */
  public boolean hasHost(String host) {
    return firstFile.containsKey(host);
  }

  /**
   * True for {@code localhost}, {@code 127.0.0.1} or {@code ::1} when the inventory does not name
   * it: Ansible's implicit localhost, which a pattern naming it exactly selects and {@code
   * delegate_to} reaches with a local connection.
   */
  public boolean isImplicitLocalhost(String host) {
    return !hasHost(host) && vars.containsKey(host);
  }

  /** Every host of a group, its children's included (Ansible's {@code groups['name']}). */
  public List<String> hostsOf(String group) {
    List<String> h = hostsOfGroup.get(group);
    if (h == null) {
      throw new IllegalArgumentException("no group named '" + group + "' in the inventory");
    }
    return h;
  }

  /** The groups a host belongs to, sorted, without {@code all} (Ansible's {@code group_names}). */
  public List<String> groupNamesOf(String host) {
    return lookup(groupNames, host);
  }

  /**
   * The variables Ansible derives from the inventory for a host, for templating: {@code
   * inventory_hostname}, {@code inventory_hostname_short}, {@code group_names}, {@code groups},
   * {@code inventory_file} and {@code inventory_dir} (absolute; null for a host1,host2 list).
   */
  public Map<String, Object> magicVarsOf(String host) {
    List<String> names = groupNamesOf(host);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("inventory_hostname", host);
    boolean address = host.matches("[0-9.]+") || host.contains(":");
    m.put("inventory_hostname_short", address ? host : host.split("\\.", -1)[0]);
    m.put("group_names", names);
    m.put("groups", hostsOfGroup);
    String first = firstFile.get(host);
    boolean real = first != null && Files.exists(Path.of(first));
    Path file = Path.of(first == null ? "" : first);
    m.put("inventory_file", real ? file.toAbsolutePath().normalize().toString() : null);
    m.put("inventory_dir", real ? file.toAbsolutePath().normalize().getParent().toString() : null);
    return Collections.unmodifiableMap(m);
  }

  /** The host's variables with Ansible's precedence, as {@code ansible-inventory --host} shows. */
  public Map<String, Object> varsOf(String host) {
    return lookup(vars, host);
  }

  /** For each variable of the host, where the value that won was set. */
  public Map<String, Mark> originsOf(String host) {
    return lookup(origins, host);
  }

  /**
   * The hosts a pattern names ({@code --limit}, a play's {@code hosts:}), in inventory order; empty
   * when it names nothing. Throws for a malformed pattern or a subscript out of range.
   */
  public List<String> select(String pattern) throws InventoryException {
    return new HostPatterns(this).select(pattern);
  }

  /** The connection settings of a host from its variables as they are in the inventory. */
  public HostConnection connectionOf(String host) throws InventoryException {
    return HostConnection.of(host, varsOf(host), originsOf(host));
  }

  /** Hosts in the order they first appear in the sources; globs over host names use it. */
  List<String> declaredHosts() {
    return declaredHosts;
  }

  Map<String, List<String>> hostsOfGroups() {
    return hostsOfGroup;
  }

  private static <T> T lookup(Map<String, T> map, String host) {
    T v = map.get(host);
    if (v == null) {
      throw new IllegalArgumentException("no host named '" + host + "' in the inventory");
    }
    return v;
  }
}

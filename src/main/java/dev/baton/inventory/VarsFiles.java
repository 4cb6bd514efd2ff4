package dev.baton.inventory;

import dev.baton.core.Mark;
import dev.baton.playbook.FileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * {@code group_vars/} and {@code host_vars/} beside an inventory source, found as Ansible's
 * host_group_vars plugin finds them: the first of {@code NAME}, {@code NAME.yml}, {@code
 * NAME.yaml}, {@code NAME.json} that exists; a directory {@code NAME/} is read recursively in
 * lexical order, skipping hidden and backup files. Each file is read once.
 */
final class VarsFiles {
  private static final List<String> EXTENSIONS = List.of("", ".yml", ".yaml", ".json");
  private final Map<Path, Map<String, Sourced>> cache = new HashMap<>();

  /**
   * The merged variables for {@code entity} from {@code dir/subdir}, later files winning; {@code
   * namedAt} is where the inventory names the entity, for an error about the name itself.
   */
  Map<String, Sourced> load(Path dir, String subdir, String entity, Mark namedAt)
      throws InventoryException {
    Map<String, Sourced> out = new LinkedHashMap<>();
    if (entity.startsWith("/")) {
      return out;
    }
    Path base = dir.resolve(subdir);
    if (!Files.isDirectory(base)) {
      return out;
    }
    for (Path file : find(base, entity, subdir, namedAt)) {
      out.putAll(read(file));
    }
    return out;
  }

  private static List<Path> find(Path base, String name, String subdir, Mark namedAt)
      throws InventoryException {
    List<Path> found = new ArrayList<>();
    for (String ext : EXTENSIONS) {
      Path p;
      try {
        p = FileNames.resolve(base, name + ext);
      } catch (FileNames.Unmappable e) {
        throw new InventoryException(namedAt, subdir + " of " + e.getMessage());
      }
      if (Files.exists(p)) {
        if (Files.isDirectory(p)) {
          walk(p, found);
        } else {
          found.add(p);
        }
        break;
      }
    }
    return found;
  }

  private static void walk(Path dir, List<Path> found) throws InventoryException {
    List<Path> entries;
    try (Stream<Path> s = Files.list(dir)) {
      entries =
          s.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
              .toList();
    } catch (IOException e) {
      throw new InventoryException(
          dev.baton.core.Mark.NONE, dir + ": cannot list: " + e.getMessage());
    }
    for (Path p : entries) {
      String n = p.getFileName().toString();
      if (n.startsWith(".") || n.endsWith("~")) {
        continue;
      }
      int dot = n.lastIndexOf('.');
      String ext = dot > 0 ? n.substring(dot) : "";
      if (Files.isDirectory(p) && ext.isEmpty()) {
        walk(p, found);
      } else if (Files.isRegularFile(p) && (ext.isEmpty() || EXTENSIONS.contains(ext))) {
        found.add(p);
      }
    }
  }

  private Map<String, Sourced> read(Path file) throws InventoryException {
    Map<String, Sourced> cached = cache.get(file);
    if (cached != null) {
      return cached;
    }
    Yaml11.Document doc = Yaml11.compose(file);
    Map<String, Sourced> vars = new LinkedHashMap<>();
    Node root = doc.root().orElse(null);
    if (root != null && !(root instanceof ScalarNode s && s.getTag().equals(Tag.NULL))) {
      if (!(root instanceof MappingNode m)) {
        throw new InventoryException(
            Yaml11.mark(doc.file(), root), "a vars file must be a mapping of name: value");
      }
      vars = Yaml11.entries(doc.file(), m);
    }
    cache.put(file, vars);
    return vars;
  }
}

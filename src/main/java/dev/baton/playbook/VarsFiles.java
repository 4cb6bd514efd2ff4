package dev.baton.playbook;

import java.nio.file.Path;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/** Loads YAML variable files ({@code vars_files}, {@code -e @file}) with marked errors. */
public final class VarsFiles {
  private VarsFiles() {}

  /** The file's top-level mapping as plain Java values; an empty file is an empty map. */
  public static Map<String, Object> load(Path file) throws PlaybookException {
    return toMap(YamlSource.read(file));
  }

  /** As {@link #load}, for text that did not come from a file; errors name {@code name}. */
  static Map<String, Object> parse(String name, String text) throws PlaybookException {
    return toMap(YamlSource.parse(name, text));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> toMap(YamlSource src) throws PlaybookException {
    Node root = src.root();
    if (root == null || YamlSource.isNull(root)) {
      return Map.of();
    }
    if (!(root instanceof MappingNode)) {
      throw src.error(
          root,
          "a vars file must be a mapping of names to values, got " + PlaybookLoader.describe(root));
    }
    return (Map<String, Object>) src.value(root);
  }
}

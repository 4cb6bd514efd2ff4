package dev.baton.inventory;

import dev.baton.core.Mark;
import dev.baton.core.TextFiles;
import dev.baton.core.Vault;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * Reads inventory and vars YAML the way Ansible's loader (PyYAML, YAML 1.1) types it: {@code yes}
 * and {@code on} are booleans, {@code 0777} is octal, {@code 1:30} is 90, {@code <<} merges.
 * Duplicate keys are refused. Every node keeps its place in the file for errors and origins.
 */
final class Yaml11 {
  private static final Tag MERGE = new Tag("tag:yaml.org,2002:merge");
  private static final Pattern BOOL =
      Pattern.compile("yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
  private static final Pattern FLOAT =
      Pattern.compile(
          "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
              + "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
              + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
              + "|[-+]?\\.(?:inf|Inf|INF)"
              + "|\\.(?:nan|NaN|NAN)");
  private static final Pattern INT =
      Pattern.compile(
          "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
              + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
  private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
  private static final int MAX_DEPTH = 500;

  /**
   * More values than any real inventory holds: aliases are expanded, and a few aliases of aliases
   * (billion laughs) would otherwise build billions of values.
   */
  private static final int MAX_VALUES = 1_000_000;

  private final String file;
  private int values;

  private Yaml11(String file) {
    this.file = file;
  }

  /** The YAML 1.1 implicit types, in PyYAML's order. */
  private static final ScalarResolver RESOLVER =
      (value, implicit) -> {
        if (!implicit) {
          return Tag.STR;
        }
        if (BOOL.matcher(value).matches()) {
          return Tag.BOOL;
        }
        if (FLOAT.matcher(value).matches()) {
          return Tag.FLOAT;
        }
        if (INT.matcher(value).matches()) {
          return Tag.INT;
        }
        if (value.equals("<<")) {
          return MERGE;
        }
        if (NULL.matcher(value).matches()) {
          return Tag.NULL;
        }
        return Tag.STR;
      };

  private static final Schema SCHEMA =
      new Schema() {
        @Override
        public ScalarResolver getScalarResolver() {
          return RESOLVER;
        }

        @Override
        public Map<Tag, org.snakeyaml.engine.v2.api.ConstructNode> getSchemaTagConstructors() {
          return new HashMap<>();
        }
      };

  /** A composed document and the name its marks use. */
  record Document(String file, Optional<Node> root) {}

  /** Reads and composes {@code path}; an empty file gives an empty root. */
  static Document compose(Path path) throws InventoryException {
    String name = path.toString();
    String text;
    try {
      text = TextFiles.read(path);
    } catch (TextFiles.NotUtf8 e) {
      throw new InventoryException(e.mark(), "not UTF-8 text");
    } catch (IOException e) {
      throw new InventoryException(new Mark(name, 1, 1), "cannot read: " + e.getMessage());
    }
    Document doc = composeString(name, text);
    if (Vault.fromFile(text)) {
      doc.root().ifPresent(r -> revealValues(r, 0));
    }
    return doc;
  }

  /**
   * Every text value of a vaulted file is a secret, whatever its variable is called (booleans,
   * numbers and nulls are not: masking every "true" or "22" in a report would hide everything).
   */
  private static void revealValues(Node node, int depth) {
    if (depth > MAX_DEPTH) {
      return;
    }
    if (node instanceof ScalarNode s) {
      if (s.getTag().equals(Tag.STR) || !s.isPlain()) {
        Vault.reveal(s.getValue());
      }
    } else if (node instanceof SequenceNode seq) {
      seq.getValue().forEach(n -> revealValues(n, depth + 1));
    } else if (node instanceof MappingNode m) {
      m.getValue().forEach(t -> revealValues(t.getValueNode(), depth + 1));
    }
  }

  static Document composeString(String name, String text) throws InventoryException {
    if (text.startsWith("$ANSIBLE_VAULT;")) {
      throw new InventoryException(
          new Mark(name, 1, 1), "vault-encrypted files are not supported by baton");
    }
    LoadSettings settings =
        LoadSettings.builder().setLabel(name).setSchema(SCHEMA).setParseComments(false).build();
    try {
      return new Document(name, new Compose(settings).composeReader(new StringReader(text)));
    } catch (MarkedYamlEngineException e) {
      Optional<org.snakeyaml.engine.v2.exceptions.Mark> m =
          e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
      Mark mark =
          m.map(x -> new Mark(name, x.getLine() + 1, x.getColumn() + 1)).orElse(mark0(name));
      String problem = e.getProblem() == null ? "" : e.getProblem();
      String context = e.getContext() == null ? "" : e.getContext() + ": ";
      throw new InventoryException(mark, "invalid YAML: " + oneLine(context + problem));
    } catch (YamlEngineException | IllegalArgumentException e) {
      // SnakeYAML Engine lets a NumberFormatException escape for a bad \\x escape.
      throw new InventoryException(mark0(name), "invalid YAML: " + oneLine(e.getMessage()));
    }
  }

  private static Mark mark0(String name) {
    return new Mark(name, 1, 1);
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " ").trim();
  }

  /** Where {@code node} starts, 1-based. */
  static Mark mark(String file, Node node) {
    return node.getStartMark()
        .map(m -> new Mark(file, m.getLine() + 1, m.getColumn() + 1))
        .orElse(new Mark(file, 0, 0));
  }

  /** A mapping's entries with the place of each key, merges applied, duplicates refused. */
  static Map<String, Sourced> entries(String file, MappingNode node) throws InventoryException {
    return new Yaml11(file).mappingEntries(node, 0);
  }

  /**
   * The plain Java value of a node: String, Boolean, Integer/Long/BigInteger, Double, List, Map.
   */
  static Object value(String file, Node node) throws InventoryException {
    return new Yaml11(file).toValue(node, 0);
  }

  /** The text of a scalar key, as Python's {@code str()} of the YAML value would give it. */
  static String key(String file, Node node) throws InventoryException {
    Object k = value(file, node);
    if (k instanceof Map || k instanceof List) {
      throw new InventoryException(mark(file, node), "a mapping key must be a scalar");
    }
    return String.valueOf(k);
  }

  private Map<String, Sourced> mappingEntries(MappingNode node, int depth)
      throws InventoryException {
    if (depth > MAX_DEPTH) {
      throw new InventoryException(mark(file, node), "nesting too deep (recursive alias?)");
    }
    Map<String, Sourced> explicit = new LinkedHashMap<>();
    Map<String, Sourced> merged = new LinkedHashMap<>();
    for (NodeTuple t : node.getValue()) {
      Node k = t.getKeyNode();
      if (k instanceof ScalarNode s && s.getTag().equals(MERGE)) {
        mergeInto(merged, t.getValueNode(), depth);
        continue;
      }
      String name = keyText(k, depth);
      if (explicit.containsKey(name)) {
        throw new InventoryException(
            mark(file, k),
            "duplicate key '"
                + name
                + "' (first at line "
                + explicit.get(name).mark().line()
                + ")");
      }
      explicit.put(name, new Sourced(toValue(t.getValueNode(), depth + 1), mark(file, k)));
    }
    if (merged.isEmpty()) {
      return explicit;
    }
    Map<String, Sourced> out = new LinkedHashMap<>(merged);
    out.putAll(explicit);
    return out;
  }

  /** {@code <<: *a} or {@code <<: [*a, *b]}: earlier mappings win over later ones. */
  private void mergeInto(Map<String, Sourced> merged, Node value, int depth)
      throws InventoryException {
    List<MappingNode> sources = new ArrayList<>();
    if (value instanceof MappingNode m) {
      sources.add(m);
    } else if (value instanceof SequenceNode seq) {
      for (Node n : seq.getValue()) {
        if (!(n instanceof MappingNode m)) {
          throw new InventoryException(mark(file, n), "'<<' expects a mapping or a list of them");
        }
        sources.add(m);
      }
    } else {
      throw new InventoryException(mark(file, value), "'<<' expects a mapping or a list of them");
    }
    for (MappingNode m : sources) {
      for (Map.Entry<String, Sourced> e : mappingEntries(m, depth + 1).entrySet()) {
        merged.putIfAbsent(e.getKey(), e.getValue());
      }
    }
  }

  private String keyText(Node k, int depth) throws InventoryException {
    Object v = toValue(k, depth + 1);
    if (v instanceof Map || v instanceof List) {
      throw new InventoryException(mark(file, k), "a mapping key must be a scalar");
    }
    return String.valueOf(v);
  }

  private Object toValue(Node node, int depth) throws InventoryException {
    if (depth > MAX_DEPTH) {
      throw new InventoryException(mark(file, node), "nesting too deep (recursive alias?)");
    }
    if (++values > MAX_VALUES) {
      throw new InventoryException(
          mark(file, node),
          "more than " + MAX_VALUES + " values once aliases are expanded (alias bomb?)");
    }
    String tag = node.getTag().getValue();
    if (tag.equals("!vault") && node instanceof ScalarNode vaulted) {
      try {
        return Vault.decrypt(vaulted.getValue());
      } catch (Vault.VaultException e) {
        throw new InventoryException(mark(file, node), "!vault value: " + e.getMessage());
      }
    }
    if (node instanceof MappingNode m) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, Sourced> e : mappingEntries(m, depth).entrySet()) {
        map.put(e.getKey(), e.getValue().value());
      }
      return Collections.unmodifiableMap(map);
    }
    if (node instanceof SequenceNode s) {
      List<Object> list = new ArrayList<>();
      for (Node n : s.getValue()) {
        list.add(toValue(n, depth + 1));
      }
      return Collections.unmodifiableList(list);
    }
    ScalarNode s = (ScalarNode) node;
    String v = s.getValue();
    Tag t = s.getTag();
    try {
      if (t.equals(Tag.BOOL)) {
        String l = v.toLowerCase(java.util.Locale.ROOT);
        if (!BOOL.matcher(v).matches()) {
          throw new NumberFormatException();
        }
        return l.equals("yes") || l.equals("true") || l.equals("on");
      }
      if (t.equals(Tag.INT)) {
        return yamlInt(v);
      }
      if (t.equals(Tag.FLOAT)) {
        return yamlFloat(v);
      }
      if (t.equals(Tag.NULL)) {
        return null;
      }
    } catch (NumberFormatException e) {
      throw new InventoryException(mark(file, node), "'" + v + "' is not a valid " + t.getValue());
    }
    if (t.equals(Tag.STR) || t.equals(MERGE) || tag.equals("!unsafe") || !tag.startsWith("!")) {
      return v;
    }
    throw new InventoryException(mark(file, node), "unsupported YAML tag " + tag);
  }

  private static Object yamlInt(String text) {
    String v = text.replace("_", "");
    int sign = 1;
    if (v.startsWith("-")) {
      sign = -1;
    }
    if (v.startsWith("-") || v.startsWith("+")) {
      v = v.substring(1);
    }
    BigInteger n;
    if (v.equals("0")) {
      n = BigInteger.ZERO;
    } else if (v.startsWith("0b")) {
      n = new BigInteger(v.substring(2), 2);
    } else if (v.startsWith("0x")) {
      n = new BigInteger(v.substring(2), 16);
    } else if (v.startsWith("0")) {
      n = new BigInteger(v, 8);
    } else if (v.contains(":")) {
      n = BigInteger.ZERO;
      for (String part : v.split(":")) {
        n = n.multiply(BigInteger.valueOf(60)).add(new BigInteger(part));
      }
    } else {
      n = new BigInteger(v);
    }
    return PythonLiteral.integer(sign < 0 ? n.negate().toString() : n.toString(), 10);
  }

  private static Object yamlFloat(String text) {
    String v = text.replace("_", "").toLowerCase(java.util.Locale.ROOT);
    double sign = 1;
    if (v.startsWith("-")) {
      sign = -1;
    }
    if (v.startsWith("-") || v.startsWith("+")) {
      v = v.substring(1);
    }
    if (v.equals(".inf")) {
      return sign * Double.POSITIVE_INFINITY;
    }
    if (v.equals(".nan")) {
      return Double.NaN;
    }
    if (v.contains(":")) {
      double n = 0;
      for (String part : v.split(":")) {
        n = n * 60 + Double.parseDouble(part);
      }
      return sign * n;
    }
    return sign * Double.parseDouble(v);
  }
}

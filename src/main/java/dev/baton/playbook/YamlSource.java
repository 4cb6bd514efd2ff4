package dev.baton.playbook;

import dev.baton.core.Mark;
import dev.baton.core.TextFiles;
import dev.baton.core.Vault;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

/**
 * One YAML document composed into nodes that keep their marks, with the helpers that turn a node
 * into a {@code file:line:col} error or a plain Java value. Scalars resolve as Ansible's YAML 1.1
 * loader does ({@code yes}/{@code no} are booleans), because playbooks are written for that.
 */
final class YamlSource {
  private static final Pattern INT = Pattern.compile("[-+]?(0|[1-9][0-9_]*)");
  private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F_]+");
  private static final Pattern OCT = Pattern.compile("0o?[0-7_]+");
  private static final Pattern FLOAT =
      Pattern.compile(
          "[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+");

  /** More values than any real vars file holds; fewer than exhaust memory or patience. */
  private static final int MAX_VALUES = 1_000_000;

  private static final int MAX_DEPTH = 1_000;

  private final String file;
  private final List<String> lines;
  private final Node root;

  private YamlSource(String file, String text, Node root) {
    this.file = file;
    this.lines = text.lines().toList();
    this.root = root;
  }

  /** Reads and composes a file; a missing, unreadable or malformed file is a marked error. */
  static YamlSource read(Path path) throws PlaybookException {
    String text;
    try {
      text = TextFiles.read(path);
    } catch (TextFiles.NotUtf8 e) {
      throw new PlaybookException(e.mark(), "not UTF-8 text", "");
    } catch (IOException e) {
      String why =
          e instanceof java.nio.file.NoSuchFileException
              ? "no such file"
              : e instanceof java.nio.charset.CharacterCodingException
                  ? "not UTF-8 text"
                  : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new PlaybookException(new Mark(path.toString(), 1, 1), "cannot read: " + why, "");
    }
    YamlSource src = parse(path.toString(), text);
    if (Vault.fromFile(text) && src.root() != null) {
      revealValues(src.root(), 0);
    }
    return src;
  }

  /**
   * Every text value of a vaulted file is a secret, whatever its variable is called (booleans,
   * numbers and nulls are not: masking every "true" or "22" in a report would hide everything).
   */
  static void revealValues(Node node, int depth) {
    if (depth > MAX_DEPTH) {
      return;
    }
    if (node instanceof ScalarNode s) {
      if (scalar(s) instanceof String text) {
        Vault.reveal(text);
      }
    } else if (node instanceof SequenceNode seq) {
      seq.getValue().forEach(n -> revealValues(n, depth + 1));
    } else if (node instanceof MappingNode m) {
      m.getValue().forEach(t -> revealValues(t.getValueNode(), depth + 1));
    }
  }

  /** Composes text whose errors are reported under the name {@code file}. */
  static YamlSource parse(String file, String text) throws PlaybookException {
    LoadSettings settings = LoadSettings.builder().setLabel(file).setUseMarks(true).build();
    try {
      Optional<Node> node = new Compose(settings).composeString(text);
      YamlSource source = new YamlSource(file, text, node.orElse(null));
      if (source.root != null) {
        source.checkDuplicateKeys(source.root);
      }
      return source;
    } catch (MarkedYamlEngineException e) {
      YamlSource source = new YamlSource(file, text, null);
      Mark mark =
          e.getProblemMark()
              .or(e::getContextMark)
              .map(m -> new Mark(file, m.getLine() + 1, m.getColumn() + 1))
              .orElse(new Mark(file, 1, 1));
      // The problem quotes the text it found, which may be a line break.
      String problem = e.getProblem() == null ? "malformed YAML" : oneLine(e.getProblem().strip());
      String context = e.getContext() == null ? "" : " (" + oneLine(e.getContext().strip()) + ")";
      throw new PlaybookException(
          mark, "malformed YAML: " + problem + context, source.snippet(mark));
    } catch (YamlEngineException | IllegalArgumentException | IndexOutOfBoundsException e) {
      // SnakeYAML Engine lets a NumberFormatException escape for a bad \\x escape, and an
      // IndexOutOfBoundsException from its reader buffer on some truncated input (fuzz case).
      Mark mark = new Mark(file, 1, 1);
      throw new PlaybookException(
          mark,
          "malformed YAML: " + firstLine(e.getMessage()),
          new YamlSource(file, text, null).snippet(mark));
    }
  }

  /** The document's root node, or null for an empty document. */
  Node root() {
    return root;
  }

  String file() {
    return file;
  }

  Mark mark(Node node) {
    return node.getStartMark()
        .map(m -> new Mark(file, m.getLine() + 1, m.getColumn() + 1))
        .orElse(new Mark(file, 0, 0));
  }

  PlaybookException error(Node node, String message) {
    return error(mark(node), message);
  }

  PlaybookException error(Mark mark, String message) {
    return new PlaybookException(mark, message, snippet(mark));
  }

  /** The source line of the mark and a caret under its column. */
  String snippet(Mark mark) {
    if (mark.line() < 1 || mark.line() > lines.size()) {
      return "";
    }
    String line = lines.get(mark.line() - 1);
    StringBuilder caret = new StringBuilder();
    for (int i = 0; i < mark.column() - 1 && i < line.length(); i++) {
      caret.append(line.charAt(i) == '\t' ? '\t' : ' ');
    }
    return line + "\n" + caret + "^";
  }

  /**
   * The node as a plain Java value: LinkedHashMap, ArrayList, String, Boolean, Integer, ... Aliases
   * are expanded, so the expansion is bounded: a few aliases of aliases (billion laughs) would
   * otherwise build billions of values, and an alias inside its own anchor would never end.
   */
  Object value(Node node) throws PlaybookException {
    return value(node, new int[] {0}, 0);
  }

  private Object value(Node node, int[] count, int depth) throws PlaybookException {
    if (++count[0] > MAX_VALUES) {
      throw error(
          node, "more than " + MAX_VALUES + " values once aliases are expanded (alias bomb?)");
    }
    if (depth > MAX_DEPTH) {
      throw error(node, "nested more than " + MAX_DEPTH + " levels deep (recursive alias?)");
    }
    if (node instanceof ScalarNode s) {
      if (s.getTag().getValue().equals("!vault")) {
        try {
          return Vault.decrypt(s.getValue());
        } catch (Vault.VaultException e) {
          throw error(node, "!vault value: " + e.getMessage());
        }
      }
      return scalar(s);
    }
    if (node instanceof SequenceNode seq) {
      List<Object> list = new ArrayList<>();
      for (Node item : seq.getValue()) {
        list.add(value(item, count, depth + 1));
      }
      return list;
    }
    MappingNode map = (MappingNode) node;
    Map<String, Object> m = new LinkedHashMap<>();
    for (NodeTuple t : entries(map, depth)) {
      m.put(key(t.getKeyNode()), value(t.getValueNode(), count, depth + 1));
    }
    return m;
  }

  /**
   * A mapping's entries with YAML merge keys ({@code <<: *defaults}) applied: merged entries come
   * first, and a key written in the mapping itself wins over a merged one.
   */
  List<NodeTuple> entries(MappingNode map) throws PlaybookException {
    return entries(map, 0);
  }

  private List<NodeTuple> entries(MappingNode map, int depth) throws PlaybookException {
    if (depth > MAX_DEPTH) {
      throw error(map, "merges nested more than " + MAX_DEPTH + " levels deep (recursive alias?)");
    }
    boolean merges = false;
    for (NodeTuple t : map.getValue()) {
      merges |= isMergeKey(t.getKeyNode());
    }
    if (!merges) {
      return map.getValue();
    }
    Map<String, NodeTuple> merged = new LinkedHashMap<>();
    Map<String, NodeTuple> own = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      if (!isMergeKey(t.getKeyNode())) {
        own.put(key(t.getKeyNode()), t);
        continue;
      }
      Node v = t.getValueNode();
      List<Node> sources = v instanceof SequenceNode seq ? seq.getValue() : List.of(v);
      for (Node source : sources) {
        if (!(source instanceof MappingNode m)) {
          throw error(source, "'<<' merges a mapping or a list of mappings");
        }
        for (NodeTuple inner : entries(m, depth + 1)) {
          merged.putIfAbsent(key(inner.getKeyNode()), inner);
        }
      }
    }
    merged.putAll(own);
    return new ArrayList<>(merged.values());
  }

  private static boolean isMergeKey(Node node) {
    return node instanceof ScalarNode s && s.isPlain() && s.getValue().equals("<<");
  }

  /** A mapping key, which must be a scalar. */
  String key(Node node) throws PlaybookException {
    if (node instanceof ScalarNode s) {
      return s.getValue();
    }
    throw error(node, "a key must be a plain value, not a list or mapping");
  }

  /** True when the scalar is {@code null}, {@code ~} or empty, written without quotes. */
  static boolean isNull(Node node) {
    return node instanceof ScalarNode s
        && s.isPlain()
        && (s.getTag().equals(Tag.NULL) || NULLS.contains(s.getValue()));
  }

  private static final List<String> NULLS = List.of("", "~", "null", "Null", "NULL");

  /** Resolves a scalar the way Ansible's YAML 1.1 loader would. */
  static Object scalar(ScalarNode s) {
    String v = s.getValue();
    if (!s.isPlain()) {
      return v;
    }
    if (NULLS.contains(v)) {
      return null;
    }
    switch (v) {
      case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON":
        return Boolean.TRUE;
      case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF":
        return Boolean.FALSE;
      default:
        break;
    }
    try {
      if (INT.matcher(v).matches()) {
        return narrow(new java.math.BigInteger(v.replace("_", "")));
      }
      if (HEX.matcher(v).matches()) {
        return narrow(new java.math.BigInteger(v.substring(2).replace("_", ""), 16));
      }
      if (OCT.matcher(v).matches()) {
        String digits = v.startsWith("0o") ? v.substring(2) : v.substring(1);
        return narrow(new java.math.BigInteger(digits.replace("_", ""), 8));
      }
      if (FLOAT.matcher(v).matches() && v.chars().anyMatch(Character::isDigit)) {
        return Double.valueOf(v.replace("_", ""));
      }
    } catch (NumberFormatException e) {
      return v;
    }
    return v;
  }

  private static Object narrow(java.math.BigInteger b) {
    if (b.bitLength() < 32) {
      return b.intValue();
    }
    if (b.bitLength() < 64) {
      return b.longValue();
    }
    return b;
  }

  /** Refuses a mapping that names a key twice, pointing at the second one. */
  private void checkDuplicateKeys(Node node) throws PlaybookException {
    java.util.IdentityHashMap<Node, Boolean> seen = new java.util.IdentityHashMap<>();
    checkDuplicateKeys(node, seen);
  }

  private void checkDuplicateKeys(Node node, java.util.IdentityHashMap<Node, Boolean> seen)
      throws PlaybookException {
    if (seen.put(node, Boolean.TRUE) != null) {
      return; // an alias of a node already checked
    }
    if (node instanceof SequenceNode seq) {
      for (Node item : seq.getValue()) {
        checkDuplicateKeys(item, seen);
      }
    } else if (node instanceof MappingNode map) {
      Map<String, Node> keys = new HashMap<>();
      for (NodeTuple t : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && !isMergeKey(k)) {
          Node first = keys.putIfAbsent(k.getValue(), k);
          if (first != null) {
            throw error(
                k,
                "duplicate key '" + k.getValue() + "' (first at line " + mark(first).line() + ")");
          }
        }
        checkDuplicateKeys(t.getKeyNode(), seen);
        checkDuplicateKeys(t.getValueNode(), seen);
      }
    }
  }

  private static String oneLine(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n");
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}

package dev.baton.openedge;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A database structure description ({@code .st}): one extent per line, {@code TYPE ["Area":n,r;c]
 * PATH [f|v SIZE]}, comments starting with {@code #}, {@code :} or {@code *}, paths with spaces
 * written {@code !"/a path"}. Lines keep their original text so that a rewrite changes only paths.
 */
final class StructureFile {
  private static final Pattern AREA =
      Pattern.compile("(\"[^\"]*\"|[^\\s\"]+):\\d+(,\\d+)?(;\\d+)?");
  private static final Pattern EXTENT_FILE = Pattern.compile(".*\\.[dbat]\\d+$");

  /** One extent line: the text before the path, the path, and the text after it. */
  record Extent(int line, char type, String area, String before, String path, String after) {
    String render(String newPath) {
      return before + formatPath(newPath) + after;
    }
  }

  private final List<String> lines;
  private final List<Extent> extents;

  private StructureFile(List<String> lines, List<Extent> extents) {
    this.lines = lines;
    this.extents = extents;
  }

  List<Extent> extents() {
    return extents;
  }

  /** Parses the text; errors name {@code source:line:col}. */
  static StructureFile parse(String text, String source) {
    List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    List<Extent> extents = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      String t = l.strip();
      if (t.isEmpty() || "#:*".indexOf(t.charAt(0)) >= 0) {
        continue;
      }
      extents.add(parseLine(l, i + 1, source));
    }
    return new StructureFile(lines, extents);
  }

  private static Extent parseLine(String l, int lineNo, String source) {
    int pos = skipSpace(l, 0);
    char type = Character.toLowerCase(l.charAt(pos));
    if ("bdat".indexOf(type) < 0 || (pos + 1 < l.length() && !isSpace(l.charAt(pos + 1)))) {
      throw error(source, lineNo, pos, "extent type must be b, d, a or t");
    }
    pos = skipSpace(l, pos + 1);
    String area = null;
    var m = AREA.matcher(l).region(pos, l.length());
    if (m.lookingAt() && (m.end() == l.length() || isSpace(l.charAt(m.end())))) {
      area = m.group(1).replace("\"", "");
      pos = skipSpace(l, m.end());
    }
    if (pos >= l.length()) {
      throw error(source, lineNo, pos, "extent line has no path");
    }
    int start = pos;
    String path;
    if (l.startsWith("!\"", pos)) {
      int close = l.indexOf('"', pos + 2);
      if (close < 0) {
        throw error(source, lineNo, pos, "unterminated quoted path");
      }
      path = l.substring(pos + 2, close);
      pos = close + 1;
    } else {
      int end = pos;
      while (end < l.length() && !isSpace(l.charAt(end))) {
        end++;
      }
      path = l.substring(pos, end);
      pos = end;
    }
    String rest = l.substring(pos).strip();
    if (!rest.isEmpty() && !rest.matches("(?i)[fv]\\s+\\d+")) {
      throw error(
          source, lineNo, pos, "expected 'f SIZE' or 'v SIZE' after the path, not: " + rest);
    }
    return new Extent(lineNo, type, area, l.substring(0, start), path, l.substring(pos));
  }

  private static IllegalArgumentException error(String source, int line, int col, String what) {
    return new IllegalArgumentException(source + ":" + line + ":" + (col + 1) + ": " + what);
  }

  private static int skipSpace(String l, int pos) {
    while (pos < l.length() && isSpace(l.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  static String formatPath(String path) {
    return path.contains(" ") || path.contains("\t") ? "!\"" + path + "\"" : path;
  }

  /** The text with every extent path replaced by {@code rewrite(path)}. */
  String rewrite(UnaryOperator<String> rewrite) {
    List<String> out = new ArrayList<>(lines);
    for (Extent e : extents) {
      out.set(e.line() - 1, e.render(rewrite.apply(e.path())));
    }
    return String.join("\n", out) + "\n";
  }

  /**
   * The directories the extents live in, resolved against {@code dbDir}: the parent of a path that
   * names an extent file ({@code .d1}, {@code .b1}...), the path itself otherwise (a directory
   * where OpenEdge names the files).
   */
  Set<String> directories(String dbDir) {
    Set<String> dirs = new LinkedHashSet<>();
    for (Extent e : extents) {
      String p = e.path().startsWith("/") ? e.path() : dbDir + "/" + e.path();
      p = normalize(p);
      if (EXTENT_FILE.matcher(p).matches()) {
        int i = p.lastIndexOf('/');
        p = i <= 0 ? "/" : p.substring(0, i);
      }
      dirs.add(p);
    }
    return dirs;
  }

  /**
   * The rewrite used when a source database's structure becomes the target's: {@code pathMap}
   * prefixes first (longest wins), then the source db's directory becomes the target's; an extent
   * file named after the source db is renamed after the target db.
   */
  static UnaryOperator<String> relocation(
      String sourceDir,
      String sourceName,
      String targetDir,
      String targetName,
      Map<String, String> pathMap) {
    Map<String, String> prefixes = new java.util.LinkedHashMap<>(pathMap);
    prefixes.putIfAbsent(sourceDir, targetDir);
    UnaryOperator<String> move = mapping(prefixes);
    return path -> {
      String p = move.apply(path);
      int i = p.lastIndexOf('/');
      String dir = p.substring(0, i + 1);
      String file = p.substring(i + 1);
      if (!sourceName.equals(targetName)
          && EXTENT_FILE.matcher(file).matches()
          && (file.startsWith(sourceName + ".") || file.startsWith(sourceName + "_"))) {
        file = targetName + file.substring(sourceName.length());
      }
      return dir + file;
    };
  }

  /** Only the user's {@code path_map} prefixes (for a .st the user wrote); longest wins. */
  static UnaryOperator<String> mapping(Map<String, String> pathMap) {
    List<Map.Entry<String, String>> prefixes = new ArrayList<>(pathMap.entrySet());
    prefixes.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> -e.getKey().length()));
    return path -> {
      for (Map.Entry<String, String> e : prefixes) {
        String from = trimSlash(e.getKey());
        if (path.equals(from) || path.startsWith(from + "/")) {
          return trimSlash(e.getValue()) + path.substring(from.length());
        }
      }
      return path;
    };
  }

  private static String trimSlash(String s) {
    return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  static String normalize(String p) {
    String n = p.replaceAll("/+", "/").replace("/./", "/");
    if (n.endsWith("/.")) {
      n = n.substring(0, n.length() - 2);
    }
    return n.length() > 1 && n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
  }
}

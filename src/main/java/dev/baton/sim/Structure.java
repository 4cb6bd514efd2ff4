package dev.baton.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The extents of a database, read from or written as a {@code .st} structure file. Grammar: one
 * extent per line, {@code TYPE ["Area name":num,recsPerBlock;blocksPerCluster] PATH [f|v SIZE]};
 * comments start with #, : or *; a path with spaces is written {@code !"/a path"}. A PATH that is a
 * directory (exists as one, or ends with a slash) gets the OpenEdge file name generated inside.
 */
record Structure(List<Extent> extents) {

  /** A line that is not valid structure syntax, with its 1-based line number. */
  static final class SyntaxError extends Exception {
    final int line;

    SyntaxError(int line, String message) {
      super(message);
      this.line = line;
    }
  }

  /** The layout prodb and prorest use without a .st: one variable extent per area in dir. */
  static Structure defaults(DbPath db) {
    return new Structure(
        List.of(
            new Extent('b', null, 3, 0, 0, db.file(".b1"), false, 0),
            new Extent('d', "Schema Area", Extent.SCHEMA_AREA, 32, 1, db.file(".d1"), false, 0),
            new Extent('d', "Data Area", Extent.DATA_AREA, 64, 8, db.file("_7.d1"), false, 0)));
  }

  static Structure parse(Path file, Path cwd, DbPath db) throws IOException, SyntaxError {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return parse(lines, cwd, db);
  }

  static Structure parse(List<String> lines, Path cwd, DbPath db) throws SyntaxError {
    List<Extent> out = new ArrayList<>();
    Map<String, Integer> counters = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String raw = lines.get(i).strip();
      if (raw.isEmpty() || "#:*".indexOf(raw.charAt(0)) >= 0) {
        continue;
      }
      out.add(parseLine(raw, i + 1, cwd, db, counters));
    }
    if (out.isEmpty()) {
      throw new SyntaxError(0, "no extents");
    }
    return new Structure(List.copyOf(out));
  }

  private static Extent parseLine(
      String s, int lineNo, Path cwd, DbPath db, Map<String, Integer> counters) throws SyntaxError {
    char type = Character.toLowerCase(s.charAt(0));
    if ("bdat".indexOf(type) < 0 || (s.length() > 1 && !Character.isWhitespace(s.charAt(1)))) {
      throw new SyntaxError(lineNo, "unknown extent type '" + s.split("\\s+")[0] + "'");
    }
    String rest = s.substring(1).strip();
    String areaName = null;
    int area = type == 'b' ? 3 : type == 'a' ? 0 : type == 't' ? 2 : Extent.SCHEMA_AREA;
    int rpb = 0;
    int bpc = 0;
    if (rest.startsWith("\"")) {
      int close = rest.indexOf('"', 1);
      if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
        throw new SyntaxError(lineNo, "bad area specification");
      }
      areaName = rest.substring(1, close);
      int sp = indexOfSpace(rest, close);
      if (sp < 0) {
        throw new SyntaxError(lineNo, "missing extent path");
      }
      String spec = rest.substring(close + 2, sp);
      rest = rest.substring(sp).strip();
      try {
        String[] numRest = spec.split(",", 2);
        area = Integer.parseInt(numRest[0]);
        String[] rb = numRest.length > 1 ? numRest[1].split(";", 2) : new String[] {"64", "1"};
        rpb = Integer.parseInt(rb[0]);
        bpc = rb.length > 1 ? Integer.parseInt(rb[1]) : 1;
      } catch (NumberFormatException e) {
        throw new SyntaxError(lineNo, "bad area number in '" + spec + "'");
      }
    } else if (type == 'd') {
      areaName = "Schema Area";
      rpb = 32;
      bpc = 1;
    }
    String pathText;
    if (rest.startsWith("!\"")) {
      int close = rest.indexOf('"', 2);
      if (close < 0) {
        throw new SyntaxError(lineNo, "unterminated quoted path");
      }
      pathText = rest.substring(2, close);
      rest = rest.substring(close + 1).strip();
    } else {
      int sp = indexOfSpace(rest, 0);
      pathText = sp < 0 ? rest : rest.substring(0, sp);
      rest = sp < 0 ? "" : rest.substring(sp).strip();
    }
    if (pathText.isEmpty()) {
      throw new SyntaxError(lineNo, "missing extent path");
    }
    boolean fixed = false;
    long size = 0;
    if (!rest.isEmpty()) {
      String[] fs = rest.split("\\s+");
      if (fs.length != 2 || !(fs[0].equalsIgnoreCase("f") || fs[0].equalsIgnoreCase("v"))) {
        throw new SyntaxError(lineNo, "expected 'f SIZE' or 'v SIZE' after the path");
      }
      fixed = fs[0].equalsIgnoreCase("f");
      try {
        size = Long.parseLong(fs[1]);
      } catch (NumberFormatException e) {
        throw new SyntaxError(lineNo, "bad extent size '" + fs[1] + "'");
      }
    }
    String key = type + ":" + area;
    int n = counters.merge(key, 1, Integer::sum);
    Path p = cwd.resolve(pathText).normalize();
    if (pathText.endsWith("/") || Files.isDirectory(p)) {
      p = p.resolve(generatedName(db.name(), type, area, n));
    }
    return new Extent(type, areaName, area, rpb, bpc, p, fixed, size);
  }

  private static int indexOfSpace(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  static String generatedName(String db, char type, int area, int n) {
    return switch (type) {
      case 'd' -> area == Extent.SCHEMA_AREA ? db + ".d" + n : db + "_" + area + ".d" + n;
      default -> db + "." + type + n;
    };
  }

  /** The .st text, grouped by area with a '#' line between groups like prostrct list. */
  String text() {
    StringBuilder b = new StringBuilder();
    String group = null;
    for (Extent e : extents) {
      String g = e.type() + ":" + e.area();
      if (!g.equals(group)) {
        b.append("#\n");
        group = g;
      }
      b.append(e.stLine()).append('\n');
    }
    return b.toString();
  }

  /** The extent that holds the record log: the first extent of the first area numbered 7+. */
  Extent dataExtent() {
    Extent best = null;
    for (Extent e : extents) {
      if (e.type() == 'd' && (best == null || (best.area() < 7 && e.area() > best.area()))) {
        best = e;
      }
    }
    if (best == null) {
      throw new IllegalStateException("structure has no data extent");
    }
    return best;
  }

  List<Extent> ofType(char type) {
    return extents.stream().filter(e -> e.type() == type).toList();
  }

  Structure with(Extent e) {
    List<Extent> l = new ArrayList<>(extents);
    l.add(e);
    return new Structure(List.copyOf(l));
  }
}

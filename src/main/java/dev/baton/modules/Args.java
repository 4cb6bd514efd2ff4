package dev.baton.modules;

import dev.baton.core.AnsibleBool;
import dev.baton.core.Shlex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads module arguments with Ansible's lenient conversions ({@code yes}/{@code no} booleans,
 * numbers given as strings, octal modes). A value that cannot be converted raises {@link
 * TaskFailure} naming the module and the argument.
 */
final class Args {
  private final String module;
  private final Map<String, Object> values;

  Args(String module, Map<String, Object> values) {
    this.module = module;
    this.values = values == null ? Map.of() : values;
  }

  boolean has(String name) {
    return values.get(name) != null;
  }

  Object raw(String name) {
    return values.get(name);
  }

  /** The argument as a string, or null when absent. */
  String str(String name) {
    Object v = values.get(name);
    return v == null ? null : String.valueOf(v);
  }

  String str(String name, String fallback) {
    String v = str(name);
    return v == null ? fallback : v;
  }

  String required(String name) throws TaskFailure {
    String v = str(name);
    if (v == null || v.isEmpty()) {
      throw bad("missing required argument: " + name);
    }
    return v;
  }

  boolean bool(String name, boolean fallback) throws TaskFailure {
    Object v = values.get(name);
    if (v == null) {
      return fallback;
    }
    if (v instanceof CharSequence s && s.toString().isBlank()) {
      return false; // an empty value, as a template that rendered nothing leaves it
    }
    Boolean b = AnsibleBool.parse(v);
    if (b == null) {
      throw bad("argument " + name + " is not a boolean: " + v);
    }
    return b;
  }

  long integer(String name, long fallback) throws TaskFailure {
    Object v = values.get(name);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw bad("argument " + name + " is not an integer: " + v);
    }
  }

  double number(String name, double fallback) throws TaskFailure {
    Object v = values.get(name);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw bad("argument " + name + " is not a number: " + v);
    }
  }

  /** A list argument; a single string counts as a one-element list, as in Ansible. */
  List<String> list(String name) {
    Object v = values.get(name);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (v instanceof List<?> l) {
      for (Object o : l) {
        out.add(String.valueOf(o));
      }
    } else {
      out.add(String.valueOf(v));
    }
    return out;
  }

  /**
   * A permission mode: {@code "0644"}, {@code "644"}, {@code "u=rw,g=r,o=r"} or a number. A number
   * is taken as the mode bits themselves, as in Ansible: the playbook loader reads an unquoted
   * {@code 0644} as YAML 1.1 octal (420). Symbolic modes are applied to {@code current} (the file's
   * present mode, 0 when new).
   *
   * @return the mode bits, or null when the argument is absent
   */
  Integer mode(String name, int current) throws TaskFailure {
    Object v = values.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      if (n.intValue() < 0 || n.intValue() > 07777) {
        throw bad("argument " + name + " is not a valid mode: " + v);
      }
      return n.intValue();
    }
    String s = String.valueOf(v).trim();
    if (s.matches("0?[oO]?[0-7]{1,4}")) {
      return Integer.parseInt(s.replaceFirst("^0?[oO]", ""), 8);
    }
    if (s.matches("[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*")) {
      return SymbolicMode.apply(s, current);
    }
    throw bad("argument " + name + " is not a valid mode (write it quoted, e.g. '0644'): " + v);
  }

  /**
   * A free-form line's words as Ansible's {@code shlex.split} gives them ({@code command: ls -l "my
   * dir"}, {@code set_fact: a=1 b="two words"}).
   */
  static List<String> words(String line) throws TaskFailure {
    try {
      return Shlex.words(line);
    } catch (Shlex.SplitException e) {
      throw new TaskFailure(e.getMessage() + " in: " + line);
    }
  }

  TaskFailure bad(String message) {
    return new TaskFailure(module + ": " + message);
  }

  /** Applies {@code u+x,go-w}-style modes the way chmod does (X only for directories). */
  static final class SymbolicMode {
    private SymbolicMode() {}

    static int apply(String spec, int current) {
      int mode = current & 07777;
      boolean isDir = false;
      for (String clause : spec.split(",")) {
        int op = firstOp(clause);
        String who = clause.substring(0, op);
        char o = clause.charAt(op);
        String perms = clause.substring(op + 1);
        int whoMask = 0;
        if (who.isEmpty() || who.contains("a")) {
          whoMask = 07777;
        }
        if (who.contains("u")) {
          whoMask |= 04700;
        }
        if (who.contains("g")) {
          whoMask |= 02070;
        }
        if (who.contains("o")) {
          whoMask |= 01007;
        }
        int bits = 0;
        for (char p : perms.toCharArray()) {
          bits |=
              switch (p) {
                case 'r' -> 0444;
                case 'w' -> 0222;
                case 'x' -> 0111;
                case 'X' -> (isDir || (mode & 0111) != 0) ? 0111 : 0;
                case 's' -> 06000;
                case 't' -> 01000;
                default -> 0;
              };
        }
        bits &= whoMask;
        mode =
            switch (o) {
              case '+' -> mode | bits;
              case '-' -> mode & ~bits;
              default -> (mode & ~(whoMask & 0777)) | bits;
            };
      }
      return mode;
    }

    private static int firstOp(String clause) {
      for (int i = 0; i < clause.length(); i++) {
        char c = clause.charAt(i);
        if (c == '+' || c == '-' || c == '=') {
          return i;
        }
      }
      return clause.length();
    }
  }

  static String octal(int mode) {
    return String.format("%04o", mode & 07777);
  }
}

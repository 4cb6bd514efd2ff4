package dev.baton.modules;

import dev.baton.core.AnsibleBool;
import dev.baton.core.Shlex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A task's arguments as every module reads them (builtin, OpenEdge and transfer alike): with the
 * defaults of the module's {@link ArgSpec} applied ({@link #of}), and Ansible's lenient conversions
 * ({@code yes}/{@code no} booleans, numbers given as strings, octal modes). A value that cannot be
 * converted is a {@link TaskFailure} naming the module and the argument, which the module's edge
 * turns into its Failed result.
 */
public final class Args {
  private final String module;
  private final Map<String, Object> values;

  Args(String module, Map<String, Object> values) {
    this.module = module;
    this.values = values == null ? Map.of() : values;
  }

  /** {@code values} with the spec's default for every argument the task left out. */
  public static Args of(Module module, Map<String, Object> values) {
    Map<String, Object> all = new LinkedHashMap<>();
    module
        .args()
        .params()
        .forEach(
            (name, p) -> {
              if (p.defaultValue() != null) {
                all.put(name, p.defaultValue());
              }
            });
    if (values != null) {
      values.forEach(
          (k, v) -> {
            if (v != null) {
              all.put(k, v);
            }
          });
    }
    return new Args(module.name(), all);
  }

  public boolean has(String name) {
    return values.get(name) != null;
  }

  public Object raw(String name) {
    return values.get(name);
  }

  /** The argument as a string, or null when absent; an empty string stays empty. */
  public String str(String name) {
    Object v = values.get(name);
    return v == null ? null : String.valueOf(v);
  }

  public String str(String name, String fallback) {
    String v = str(name);
    return v == null ? fallback : v;
  }

  /** The argument as a string, or null when absent or blank (a template that rendered nothing). */
  public String string(String name) {
    String v = str(name);
    return v == null || v.isBlank() ? null : v;
  }

  public String string(String name, String fallback) {
    String v = string(name);
    return v == null ? fallback : v;
  }

  public String required(String name) throws TaskFailure {
    String v = string(name);
    if (v == null) {
      throw bad(name + " is required");
    }
    return v;
  }

  public boolean bool(String name, boolean fallback) throws TaskFailure {
    Object v = values.get(name);
    if (v == null) {
      return fallback;
    }
    if (v instanceof CharSequence s && s.toString().isBlank()) {
      return false; // an empty value, as a template that rendered nothing leaves it
    }
    Boolean b = AnsibleBool.parse(v);
    if (b == null) {
      throw bad(name + " must be true or false, not '" + v + "'");
    }
    return b;
  }

  public long integer(String name, long fallback) throws TaskFailure {
    Object v = values.get(name);
    if (v == null || v.toString().isBlank()) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(String.valueOf(v).strip());
    } catch (NumberFormatException e) {
      throw bad(name + " must be a whole number, not '" + v + "'");
    }
  }

  /** A number, fractions allowed ({@code 0.5} seconds). */
  public double number(String name, double fallback) throws TaskFailure {
    Object v = values.get(name);
    if (v == null || v.toString().isBlank()) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(v).strip());
    } catch (NumberFormatException e) {
      throw bad(name + " must be a number, not '" + v + "'");
    }
  }

  /** A list argument; a single string counts as a one-element list, as in Ansible. */
  public List<String> list(String name) {
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

  /** A list argument, or a string split on whitespace. */
  public List<String> words(String name) {
    Object v = values.get(name);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    String s = v.toString().strip();
    return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
  }

  /** A mapping argument with its values as strings; absent is empty. */
  public Map<String, String> stringMap(String name) throws TaskFailure {
    Object v = values.get(name);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw bad(name + " must be a mapping");
    }
    m.forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
    return out;
  }

  /** One of the allowed values, lower-cased. */
  public String choice(String name, String fallback, String... allowed) throws TaskFailure {
    String s = string(name, fallback).strip().toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(s)) {
        return s;
      }
    }
    throw bad(name + " must be one of " + String.join(", ", allowed) + ", not '" + s + "'");
  }

  /**
   * A permission mode: {@code "0644"}, {@code "644"}, {@code "u=rw,g=r,o=r"} or a number. A number
   * is taken as the mode bits themselves, as in Ansible: the playbook loader reads an unquoted
   * {@code 0644} as YAML 1.1 octal (420). Symbolic modes are applied to {@code current} (the file's
   * present mode, 0 when new).
   *
   * @return the mode bits, or null when the argument is absent
   */
  public Integer mode(String name, int current) throws TaskFailure {
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
  static List<String> shellWords(String line) throws TaskFailure {
    try {
      return Shlex.words(line);
    } catch (Shlex.SplitException e) {
      throw new TaskFailure(e.getMessage() + " in: " + line);
    }
  }

  /** A failure naming the module, for a value the module itself finds wrong. */
  public TaskFailure bad(String message) {
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

package dev.baton.openedge;

import dev.baton.core.AnsibleBool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Typed reads of a task's arguments, tolerant of the strings YAML and templates produce. */
final class Args {
  private final Map<String, Object> args;

  Args(Map<String, Object> args) {
    this.args = args;
  }

  String string(String key) {
    Object v = args.get(key);
    return v == null || v.toString().isBlank() ? null : v.toString();
  }

  String string(String key, String def) {
    String s = string(key);
    return s == null ? def : s;
  }

  String required(String key) {
    String s = string(key);
    if (s == null) {
      throw new IllegalArgumentException(key + " is required");
    }
    return s;
  }

  boolean bool(String key, boolean def) {
    Object v = args.get(key);
    if (v == null) {
      return def;
    }
    Boolean b = AnsibleBool.parse(v);
    if (b == null) {
      throw new IllegalArgumentException(key + " must be true or false, not '" + v + "'");
    }
    return b;
  }

  long number(String key, long def) {
    Object v = args.get(key);
    if (v == null || v.toString().isBlank()) {
      return def;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(v.toString().strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, not '" + v + "'", e);
    }
  }

  /** Seconds, allowing fractions ({@code 0.5}). */
  double seconds(String key, double def) {
    Object v = args.get(key);
    if (v == null || v.toString().isBlank()) {
      return def;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(v.toString().strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number of seconds, not '" + v + "'", e);
    }
  }

  Map<String, String> stringMap(String key) {
    Object v = args.get(key);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(key + " must be a mapping");
    }
    m.forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
    return out;
  }

  /** A list argument, or a string split on whitespace. */
  List<String> words(String key) {
    Object v = args.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    String s = v.toString().strip();
    return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
  }

  /** One of the allowed values, lower-cased. */
  String choice(String key, String def, String... allowed) {
    String s = string(key, def).strip().toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(s)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        key + " must be one of " + String.join(", ", allowed) + ", not '" + s + "'");
  }
}

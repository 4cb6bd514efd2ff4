package dev.baton.template;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * A value as Python's {@code str()} writes it, which is what Ansible puts into a string when a
 * template inserts a list, a dict or a boolean: {@code ['a', 'b']}, {@code {'a': 1}}, {@code True}.
 * Jinjava would write Java's {@code [a, b]}, {@code {a=1}}, {@code true}, a silent difference for a
 * playbook that passes a list to a command line or compares a rendered string.
 */
public final class PythonText {
  private PythonText() {}

  /** {@code str(value)}: a string is itself; containers hold the {@code repr} of their items. */
  public static String str(Object value) {
    if (value instanceof CharSequence s) {
      return s.toString();
    }
    StringBuilder b = new StringBuilder();
    repr(value, b, 0);
    return b.toString();
  }

  private static void repr(Object v, StringBuilder b, int depth) {
    if (depth > 200) {
      b.append("...");
    } else if (v == null) {
      b.append("None");
    } else if (v instanceof Boolean t) {
      b.append(t ? "True" : "False");
    } else if (v instanceof CharSequence s) {
      quote(s.toString(), b);
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        repr(e.getKey(), b, depth + 1);
        b.append(": ");
        repr(e.getValue(), b, depth + 1);
        if (it.hasNext()) {
          b.append(", ");
        }
      }
      b.append('}');
    } else if (v instanceof Collection<?> c) {
      b.append('[');
      Iterator<?> it = c.iterator();
      while (it.hasNext()) {
        repr(it.next(), b, depth + 1);
        if (it.hasNext()) {
          b.append(", ");
        }
      }
      b.append(']');
    } else {
      b.append(v);
    }
  }

  /** Python's repr of a str: single quotes unless the text holds one and no double quote. */
  private static void quote(String s, StringBuilder b) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    b.append(q);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c == q) {
            b.append('\\');
          }
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append(q);
  }
}

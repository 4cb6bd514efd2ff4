package dev.baton.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Everything baton writes as JSON. What the engine hands over (maps, lists, strings, numbers,
 * booleans, null) is written here directly, byte for byte as Jackson would; any other value goes to
 * one configured Jackson mapper. Why not Jackson for everything: the journal writes three lines a
 * task, and in a run of a few hundred tasks Jackson's serializer lookups are still interpreted;
 * they were ~0.3 ms of every task (async-profiler, 210 tasks on one host).
 */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** Deeper than this is a structure that contains itself (YAML aliases can build one). */
  private static final int MAX_DEPTH = 500;

  private Json() {}

  static String write(Object value) {
    StringBuilder b = new StringBuilder(256);
    try {
      write(b, value, 0);
    } catch (JsonProcessingException e) {
      // Values come from YAML and modules: maps, lists, strings, numbers. Anything else is shown
      // by its string form rather than losing the whole line.
      return "\"" + String.valueOf(value).replace("\"", "'") + "\"";
    }
    return b.toString();
  }

  private static void write(StringBuilder b, Object v, int depth) throws JsonProcessingException {
    if (depth > MAX_DEPTH) {
      // Named, not followed: the rest of the line (a journal event) stays readable.
      b.append("\"(nested deeper than ").append(MAX_DEPTH).append(" levels)\"");
      return;
    }
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      string(b, s);
    } else if (v instanceof Map<?, ?> m && stringKeys(m)) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        string(b, (String) e.getKey());
        b.append(':');
        write(b, e.getValue(), depth + 1);
      }
      b.append('}');
    } else if (v instanceof Collection<?> list) {
      b.append('[');
      boolean first = true;
      for (Object o : list) {
        if (!first) {
          b.append(',');
        }
        first = false;
        write(b, o, depth + 1);
      }
      b.append(']');
    } else if (v instanceof Boolean
        || v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte
        || v instanceof BigInteger) {
      b.append(v);
    } else if (v instanceof Double d && Double.isFinite(d)) {
      b.append(d.doubleValue());
    } else if (v instanceof BigDecimal d) {
      b.append(d);
    } else {
      // Maps with other keys, floats, non-finite doubles, characters, arrays, records, enums:
      // Jackson's own rules.
      b.append(MAPPER.writeValueAsString(v));
    }
  }

  private static boolean stringKeys(Map<?, ?> m) {
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /** A JSON string as Jackson writes it: only quote, backslash and control characters escaped. */
  private static void string(StringBuilder b, String s) {
    b.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        b.append(c);
        continue;
      }
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    b.append('"');
  }
}

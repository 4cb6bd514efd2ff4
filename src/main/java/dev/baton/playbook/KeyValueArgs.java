package dev.baton.playbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ansible's {@code k=v k2='v 2'} argument strings. Quotes group words and are removed from values;
 * a {@code {{ ... }}} expression stays one word even with spaces inside.
 */
final class KeyValueArgs {
  private KeyValueArgs() {}

  /** A parsed string: its {@code k=v} pairs and the words that were not pairs, in order. */
  record Parsed(Map<String, String> pairs, List<String> words) {}

  /** Thrown for an unterminated quote or expression; the message says which. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message);
    }
  }

  static Parsed parse(String text) throws SyntaxError {
    Map<String, String> pairs = new LinkedHashMap<>();
    List<String> words = new ArrayList<>();
    for (String raw : split(text)) {
      int eq = raw.indexOf('=');
      if (eq > 0 && raw.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
        pairs.put(raw.substring(0, eq), unquote(raw.substring(eq + 1)));
      } else {
        words.add(raw);
      }
    }
    return new Parsed(pairs, words);
  }

  /** Splits on unquoted whitespace outside {@code {{ }}} and {@code {% %}}; keeps quotes. */
  static List<String> split(String text) throws SyntaxError {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    int depth = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == 0 && depth == 0 && Character.isWhitespace(c)) {
        if (inWord) {
          out.add(cur.toString());
          cur.setLength(0);
          inWord = false;
        }
        continue;
      }
      inWord = true;
      cur.append(c);
      if (c == '\\' && quote != '\'' && i + 1 < text.length()) {
        cur.append(text.charAt(++i));
      } else if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if ((c == '{') && i + 1 < text.length() && "{%".indexOf(text.charAt(i + 1)) >= 0) {
        depth++;
        cur.append(text.charAt(++i));
      } else if (depth > 0
          && "}%".indexOf(c) >= 0
          && i + 1 < text.length()
          && text.charAt(i + 1) == '}') {
        depth--;
        cur.append(text.charAt(++i));
      } else if (depth == 0 && (c == '\'' || c == '"')) {
        quote = c;
      }
    }
    if (quote != 0) {
      throw new SyntaxError("unterminated " + (quote == '\'' ? "single" : "double") + " quote");
    }
    if (depth != 0) {
      throw new SyntaxError("unterminated '{{' or '{%'");
    }
    if (inWord) {
      out.add(cur.toString());
    }
    return out;
  }

  /** As {@link #split}, for text already checked by {@link #parse}. */
  static List<String> splitOrEmpty(String text) {
    try {
      return split(text);
    } catch (SyntaxError e) {
      return List.of();
    }
  }

  /** Removes one level of surrounding quotes and the backslash escapes inside double quotes. */
  static String unquote(String v) {
    if (v.length() >= 2
        && v.charAt(0) == v.charAt(v.length() - 1)
        && "'\"".indexOf(v.charAt(0)) >= 0) {
      String inner = v.substring(1, v.length() - 1);
      return v.charAt(0) == '"' ? inner.replaceAll("\\\\(.)", "$1") : inner;
    }
    return v;
  }
}

package dev.baton.playbook;

import dev.baton.core.Mark;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of {@code -e}/{@code --extra-vars}: {@code k=v k2='v 2'} pairs (strings, as in
 * Ansible), an inline YAML or JSON mapping ({@code {"k": [1, 2]}}), or {@code @file} naming a YAML
 * vars file.
 */
public final class ExtraVars {
  /** How errors in an inline value are named, since it has no file. */
  public static final String SOURCE = "<extra-vars>";

  private ExtraVars() {}

  /** Parses one {@code -e} value; a relative {@code @file} resolves against the working dir. */
  public static Map<String, Object> parse(String value) throws PlaybookException {
    return parse(value, Path.of(""));
  }

  /** As {@link #parse(String)}, resolving a relative {@code @file} against {@code baseDir}. */
  public static Map<String, Object> parse(String value, Path baseDir) throws PlaybookException {
    String text = value.strip();
    if (text.startsWith("@")) {
      String name = text.substring(1).strip();
      if (name.isEmpty()) {
        throw new PlaybookException(
            new Mark(SOURCE, 1, 1), "'@' must be followed by a file name", "");
      }
      if (name.chars().anyMatch(Character::isISOControl)) {
        throw new PlaybookException(
            new Mark(SOURCE, 1, 2),
            "'@' file name " + shown(name) + " has a control character",
            "");
      }
      Path file;
      try {
        file = baseDir.resolve(name);
      } catch (java.nio.file.InvalidPathException e) {
        throw new PlaybookException(
            new Mark(SOURCE, 1, 2), "'@' file name " + shown(name) + " is not a valid path", "");
      }
      return VarsFiles.load(file);
    }
    if (text.startsWith("{")) {
      return VarsFiles.parse(SOURCE, text);
    }
    KeyValueArgs.Parsed parsed;
    try {
      parsed = KeyValueArgs.parse(text);
    } catch (KeyValueArgs.SyntaxError e) {
      throw new PlaybookException(
          new Mark(SOURCE, 1, 1), e.getMessage() + " in " + shown(text), "");
    }
    if (!parsed.words().isEmpty()) {
      String word = parsed.words().get(0);
      int col = text.indexOf(word) + 1;
      throw new PlaybookException(
          new Mark(SOURCE, 1, col),
          "expected key=value, got " + shown(word),
          text.contains("\n") ? "" : text + "\n" + " ".repeat(col - 1) + "^");
    }
    return new LinkedHashMap<>(parsed.pairs());
  }

  /**
   * A value quoted for a one-line message: line breaks and control characters escaped, a long value
   * shortened, because an error is one line even when the value spans many.
   */
  static String shown(String value) {
    StringBuilder b = new StringBuilder("'");
    int limit = 80;
    for (int i = 0; i < value.length(); i++) {
      if (b.length() > limit) {
        b.append("...");
        break;
      }
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append("'").toString();
  }
}

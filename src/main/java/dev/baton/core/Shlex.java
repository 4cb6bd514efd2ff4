package dev.baton.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code shlex.split} in POSIX mode, the one splitter behind an INI host line ({@code
 * comments=True}) and a free-form {@code command:} or {@code set_fact} line ({@code
 * comments=False}): whitespace separates words, quotes group and are removed, a backslash escapes
 * outside quotes, and inside double quotes escapes only {@code "} and itself (not {@code $} or a
 * backquote, as a POSIX shell would).
 */
public final class Shlex {
  private Shlex() {}

  /** One word and the 0-based index in the line where it starts. */
  public record Word(String text, int start) {}

  /** Thrown with the reason shlex gives, e.g. "No closing quotation". */
  public static final class SplitException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int index;

    SplitException(String message, int index) {
      super(message);
      this.index = index;
    }

    public int index() {
      return index;
    }
  }

  /** The words of {@code line}. */
  public static List<String> words(String line) throws SplitException {
    List<String> out = new ArrayList<>();
    for (Word w : split(line, false)) {
      out.add(w.text());
    }
    return out;
  }

  /** The words of {@code line}; with {@code comments}, {@code #} outside quotes ends it. */
  public static List<Word> split(String line, boolean comments) throws SplitException {
    List<Word> words = new ArrayList<>();
    StringBuilder word = null;
    int start = 0;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(new Word(word.toString(), start));
          word = null;
        }
        i++;
        continue;
      }
      if (comments && c == '#') {
        break;
      }
      if (word == null) {
        word = new StringBuilder();
        start = i;
      }
      if (c == '\'') {
        int close = line.indexOf('\'', i + 1);
        if (close < 0) {
          throw new SplitException("No closing quotation", i);
        }
        word.append(line, i + 1, close);
        i = close + 1;
      } else if (c == '"') {
        int j = i + 1;
        while (true) {
          if (j >= line.length()) {
            throw new SplitException("No closing quotation", i);
          }
          char d = line.charAt(j);
          if (d == '"') {
            break;
          }
          if (d == '\\'
              && j + 1 < line.length()
              && (line.charAt(j + 1) == '"' || line.charAt(j + 1) == '\\')) {
            word.append(line.charAt(j + 1));
            j += 2;
            continue;
          }
          word.append(d);
          j++;
        }
        i = j + 1;
      } else if (c == '\\') {
        if (i + 1 >= line.length()) {
          throw new SplitException("No escaped character", i);
        }
        word.append(line.charAt(i + 1));
        i += 2;
      } else {
        word.append(c);
        i++;
      }
    }
    if (word != null) {
      words.add(new Word(word.toString(), start));
    }
    return words;
  }
}

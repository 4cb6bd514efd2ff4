package dev.baton.inventory;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Types an INI inventory value the way Ansible does: {@code ast.literal_eval}, and the text as it
 * is when that fails. So {@code 5} is a number, {@code True} a boolean, {@code 'a b'} a string
 * without its quotes, {@code [1, 2]} a list, while {@code yes}, {@code 010} and {@code foo # x}
 * stay strings. Tuples and sets become lists, as they do in Ansible's JSON output.
 */
final class PythonLiteral {
  private final String src;
  private int pos;

  private PythonLiteral(String src) {
    this.src = src;
  }

  /** The typed value of {@code text}, or {@code text} itself when it is not a Python literal. */
  static Object valueOf(String text) {
    PythonLiteral p = new PythonLiteral(text);
    try {
      p.skipSpace();
      Object v = p.expression();
      p.skipSpace();
      if (p.pos != p.src.length()) {
        return text;
      }
      return v;
    } catch (NotLiteral e) {
      return text;
    }
  }

  /** Signals "not a literal"; control flow only, so no stack trace. */
  private static final class NotLiteral extends Exception {
    private static final long serialVersionUID = 1L;

    NotLiteral() {
      super(null, null, false, false);
    }
  }

  private Object expression() throws NotLiteral {
    Object first = item();
    skipSpace();
    if (!peek(',')) {
      return first;
    }
    List<Object> tuple = new ArrayList<>();
    tuple.add(first);
    while (peek(',')) {
      pos++;
      skipSpace();
      if (atEnd() || peek(')')) {
        break;
      }
      tuple.add(item());
      skipSpace();
    }
    return Collections.unmodifiableList(tuple);
  }

  private Object item() throws NotLiteral {
    skipSpace();
    if (atEnd()) {
      throw new NotLiteral();
    }
    char c = src.charAt(pos);
    if (c == '-' || c == '+') {
      pos++;
      skipSpace();
      if (atEnd() || !startsNumber()) {
        throw new NotLiteral();
      }
      Object n = number();
      return c == '-' ? negate(n) : n;
    }
    if (startsNumber()) {
      return number();
    }
    if (c == '[') {
      pos++;
      List<Object> list = sequence(']');
      return Collections.unmodifiableList(list);
    }
    if (c == '(') {
      pos++;
      skipSpace();
      if (peek(')')) {
        pos++;
        return List.of();
      }
      Object inner = expression();
      skipSpace();
      expect(')');
      return inner;
    }
    if (c == '{') {
      pos++;
      return braces();
    }
    if (isStringStart()) {
      StringBuilder sb = new StringBuilder();
      do {
        sb.append(string());
        skipSpace();
      } while (!atEnd() && isStringStart());
      return sb.toString();
    }
    if (Character.isLetter(c) || c == '_') {
      String name = identifier();
      switch (name) {
        case "True":
          return Boolean.TRUE;
        case "False":
          return Boolean.FALSE;
        case "None":
          return null;
        case "set":
          skipSpace();
          expect('(');
          skipSpace();
          expect(')');
          return List.of();
        default:
          throw new NotLiteral();
      }
    }
    throw new NotLiteral();
  }

  private List<Object> sequence(char close) throws NotLiteral {
    List<Object> list = new ArrayList<>();
    skipSpace();
    while (!peek(close)) {
      list.add(item());
      skipSpace();
      if (peek(',')) {
        pos++;
        skipSpace();
      } else if (!peek(close)) {
        throw new NotLiteral();
      }
    }
    pos++;
    return list;
  }

  private Object braces() throws NotLiteral {
    skipSpace();
    Map<String, Object> map = new LinkedHashMap<>();
    if (peek('}')) {
      pos++;
      return Collections.unmodifiableMap(map);
    }
    Object firstKey = item();
    skipSpace();
    if (!peek(':')) {
      // a set: {1, 2}
      List<Object> set = new ArrayList<>();
      set.add(firstKey);
      if (peek(',')) {
        pos++;
      }
      set.addAll(sequence('}'));
      return Collections.unmodifiableList(set);
    }
    Object key = firstKey;
    while (true) {
      skipSpace();
      expect(':');
      Object value = item();
      map.put(keyString(key), value);
      skipSpace();
      if (peek(',')) {
        pos++;
        skipSpace();
      }
      if (peek('}')) {
        pos++;
        return Collections.unmodifiableMap(map);
      }
      if (atEnd()) {
        throw new NotLiteral();
      }
      key = item();
    }
  }

  /** Dictionary keys as JSON writes them: True as true, None as null. */
  private static String keyString(Object key) throws NotLiteral {
    if (key instanceof List) {
      throw new NotLiteral();
    }
    return key == null ? "null" : key.toString();
  }

  private boolean isStringStart() {
    int i = pos;
    int prefix = 0;
    while (i < src.length() && prefix < 2 && "rRuUbBfF".indexOf(src.charAt(i)) >= 0) {
      i++;
      prefix++;
    }
    return i < src.length() && (src.charAt(i) == '\'' || src.charAt(i) == '"');
  }

  private String string() throws NotLiteral {
    boolean raw = false;
    while ("rRuUbBfF".indexOf(src.charAt(pos)) >= 0) {
      char p = Character.toLowerCase(src.charAt(pos));
      if (p == 'r') {
        raw = true;
      } else if (p == 'f') {
        throw new NotLiteral(); // an f-string is not a literal for literal_eval
      }
      pos++;
    }
    char q = src.charAt(pos);
    boolean triple = src.startsWith(String.valueOf(q).repeat(3), pos);
    pos += triple ? 3 : 1;
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (atEnd()) {
        throw new NotLiteral();
      }
      char c = src.charAt(pos);
      if (c == q && (!triple || src.startsWith(String.valueOf(q).repeat(3), pos))) {
        pos += triple ? 3 : 1;
        return sb.toString();
      }
      if (c == '\n' && !triple) {
        throw new NotLiteral();
      }
      if (c == '\\' && pos + 1 < src.length()) {
        char e = src.charAt(pos + 1);
        if (raw) {
          sb.append(c).append(e);
          pos += 2;
          continue;
        }
        pos += 2;
        escape(e, sb);
        continue;
      }
      sb.append(c);
      pos++;
    }
  }

  private void escape(char e, StringBuilder sb) throws NotLiteral {
    switch (e) {
      case '\n':
        return;
      case '\\':
      case '\'':
      case '"':
        sb.append(e);
        return;
      case 'a':
        sb.append('\u0007');
        return;
      case 'b':
        sb.append('\b');
        return;
      case 'f':
        sb.append('\f');
        return;
      case 'n':
        sb.append('\n');
        return;
      case 'r':
        sb.append('\r');
        return;
      case 't':
        sb.append('\t');
        return;
      case 'v':
        sb.append('\u000b');
        return;
      case 'x':
        sb.appendCodePoint(hex(2));
        return;
      case 'u':
        sb.appendCodePoint(hex(4));
        return;
      case 'U':
        sb.appendCodePoint(hex(8));
        return;
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0';
          for (int n = 0;
              n < 2 && !atEnd() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7';
              n++) {
            v = v * 8 + (src.charAt(pos++) - '0');
          }
          sb.append((char) v);
          return;
        }
        sb.append('\\').append(e); // Python keeps unknown escapes as they are
    }
  }

  private int hex(int digits) throws NotLiteral {
    if (pos + digits > src.length()) {
      throw new NotLiteral();
    }
    try {
      int v = Integer.parseUnsignedInt(src.substring(pos, pos + digits), 16);
      if (!Character.isValidCodePoint(v)) {
        throw new NotLiteral();
      }
      pos += digits;
      return v;
    } catch (NumberFormatException ex) {
      throw new NotLiteral();
    }
  }

  private boolean startsNumber() {
    char c = src.charAt(pos);
    return Character.isDigit(c)
        || (c == '.' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1)));
  }

  private Object number() throws NotLiteral {
    int start = pos;
    if (src.charAt(pos) == '0' && pos + 1 < src.length()) {
      char r = Character.toLowerCase(src.charAt(pos + 1));
      int radix = r == 'x' ? 16 : r == 'o' ? 8 : r == 'b' ? 2 : 0;
      if (radix != 0) {
        pos += 2;
        String digits = digits(radix, true);
        endOfNumber();
        return integer(digits, radix);
      }
    }
    String intPart = peek('.') ? "" : digits(10, false);
    boolean isFloat = false;
    StringBuilder text = new StringBuilder(intPart);
    if (peek('.')) {
      isFloat = true;
      pos++;
      text.append('.');
      if (!atEnd() && Character.isDigit(src.charAt(pos))) {
        text.append(digits(10, false));
      }
    }
    if (!atEnd() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      isFloat = true;
      pos++;
      text.append('e');
      if (!atEnd() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
        text.append(src.charAt(pos++));
      }
      if (atEnd() || !Character.isDigit(src.charAt(pos))) {
        throw new NotLiteral();
      }
      text.append(digits(10, false));
    }
    endOfNumber();
    if (isFloat) {
      String t = text.toString();
      return Double.parseDouble(t.startsWith(".") ? "0" + t : t);
    }
    if (intPart.length() > 1 && intPart.charAt(0) == '0' && !intPart.matches("0+")) {
      throw new NotLiteral(); // "leading zeros in decimal integer literals are not permitted"
    }
    if (start == pos) {
      throw new NotLiteral();
    }
    return integer(intPart, 10);
  }

  /** Digits with single underscores between them, underscores removed. */
  private String digits(int radix, boolean underscoreFirst) throws NotLiteral {
    StringBuilder sb = new StringBuilder();
    boolean underscoreAllowed = underscoreFirst;
    boolean endsWithUnderscore = false;
    while (!atEnd()) {
      char c = src.charAt(pos);
      if (c == '_') {
        if (!underscoreAllowed) {
          throw new NotLiteral();
        }
        underscoreAllowed = false;
        endsWithUnderscore = true;
      } else if (c < 128 && Character.digit(c, radix) >= 0) {
        sb.append(c);
        underscoreAllowed = true;
        endsWithUnderscore = false;
      } else {
        break;
      }
      pos++;
    }
    if (sb.length() == 0 || endsWithUnderscore) {
      throw new NotLiteral();
    }
    return sb.toString();
  }

  private void endOfNumber() throws NotLiteral {
    if (!atEnd()) {
      char c = src.charAt(pos);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
        throw new NotLiteral(); // 1abc, 2j (complex), 0x1.5
      }
    }
  }

  static Object integer(String digits, int radix) {
    BigInteger v = new BigInteger(digits, radix);
    if (v.bitLength() < 32) {
      return v.intValue();
    }
    if (v.bitLength() < 64) {
      return v.longValue();
    }
    return v;
  }

  private static Object negate(Object n) {
    if (n instanceof Integer i) {
      if (i == Integer.MIN_VALUE) {
        return -(long) i;
      }
      return Integer.valueOf(-i);
    }
    if (n instanceof Long l) {
      return integer(BigInteger.valueOf(l).negate().toString(), 10);
    }
    if (n instanceof BigInteger b) {
      return integer(b.negate().toString(), 10);
    }
    return -(Double) n;
  }

  private String identifier() {
    int start = pos;
    while (!atEnd() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
      pos++;
    }
    return src.substring(start, pos);
  }

  private void skipSpace() {
    while (!atEnd()) {
      char c = src.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r') {
        pos++;
      } else if (c == '#') {
        while (!atEnd() && src.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private boolean peek(char c) {
    return !atEnd() && src.charAt(pos) == c;
  }

  private void expect(char c) throws NotLiteral {
    if (!peek(c)) {
      throw new NotLiteral();
    }
    pos++;
  }

  private boolean atEnd() {
    return pos >= src.length();
  }
}

package dev.baton.modules;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a variable reference such as {@code result.stdout_lines[0]} or {@code
 * hostvars['db1'].dlc} against a host's variables: the subset of Jinja that {@code debug: var=} is
 * used with. Anything else is reported as undefined rather than guessed.
 */
final class VarPath {
  private static final Pattern STEP =
      Pattern.compile(
          "\\.?([A-Za-z_][A-Za-z0-9_]*)|\\[\\s*(-?\\d+)\\s*]|\\[\\s*(['\"])(.*?)\\3\\s*]");

  private VarPath() {}

  static Optional<Object> lookup(Map<String, Object> vars, String expr) {
    Object cur = vars;
    Matcher m = STEP.matcher(expr);
    int pos = 0;
    boolean first = true;
    while (pos < expr.length()) {
      if (!m.find(pos) || m.start() != pos || (first && m.group(1) == null)) {
        return Optional.empty();
      }
      if (first && expr.startsWith(".")) {
        return Optional.empty();
      }
      first = false;
      String key = m.group(1) != null ? m.group(1) : m.group(4);
      if (key != null) {
        if (!(cur instanceof Map<?, ?> map) || !map.containsKey(key)) {
          return Optional.empty();
        }
        cur = map.get(key);
      } else {
        int i = Integer.parseInt(m.group(2));
        if (!(cur instanceof List<?> list)) {
          return Optional.empty();
        }
        int at = i < 0 ? list.size() + i : i;
        if (at < 0 || at >= list.size()) {
          return Optional.empty();
        }
        cur = list.get(at);
      }
      pos = m.end();
    }
    return first ? Optional.empty() : Optional.ofNullable(cur);
  }
}

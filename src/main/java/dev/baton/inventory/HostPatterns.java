package dev.baton.inventory;

import dev.baton.core.Mark;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Evaluates Ansible host patterns: {@code all}, {@code *}, {@code a:b} / {@code a,b} (union),
 * {@code a:&b} (intersection), {@code a:!b} (exclusion), globs, {@code ~regex}, and subscripts
 * {@code g[0]}, {@code g[-1]}, {@code g[1:3]}, {@code g[2:]}. Unions come first, then
 * intersections, then exclusions, whatever order they are written in, as in Ansible.
 */
final class HostPatterns {
  private static final Pattern SPLIT = Pattern.compile("(?:[^\\s:\\[\\]]|\\[[^\\]]*\\])+");
  private static final Pattern IPV6ISH =
      Pattern.compile("^[0-9a-fA-F]*:[0-9a-fA-F:.]*:[0-9a-fA-F.]*$");
  private static final Pattern SUBSCRIPT =
      Pattern.compile("^(.+)\\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\\]$");

  private final Inventory inventory;

  HostPatterns(Inventory inventory) {
    this.inventory = inventory;
  }

  List<String> select(String pattern) throws InventoryException {
    List<String> regular = new ArrayList<>();
    List<String> intersect = new ArrayList<>();
    List<String> exclude = new ArrayList<>();
    for (String p : split(pattern)) {
      switch (p.charAt(0)) {
        case '!' -> exclude.add(p);
        case '&' -> intersect.add(p);
        default -> regular.add(p);
      }
    }
    if (regular.isEmpty()) {
      regular.add("all");
    }
    List<String> ordered = new ArrayList<>(regular);
    ordered.addAll(intersect);
    ordered.addAll(exclude);
    Set<String> hosts = new LinkedHashSet<>();
    for (String p : ordered) {
      if (inventory.hasHost(p) || inventory.isImplicitLocalhost(p)) {
        hosts.add(p);
        continue;
      }
      List<String> that = matchOne(p.charAt(0) == '!' || p.charAt(0) == '&' ? p.substring(1) : p);
      if (p.charAt(0) == '!') {
        that.forEach(hosts::remove);
      } else if (p.charAt(0) == '&') {
        hosts.retainAll(Set.copyOf(that));
      } else {
        hosts.addAll(that);
      }
    }
    return List.copyOf(hosts);
  }

  /** Ansible's split_host_pattern: commas, else colons outside brackets (not in IPv6). */
  static List<String> split(String pattern) {
    List<String> parts = new ArrayList<>();
    if (pattern.contains(",")) {
      for (String p : pattern.split(",")) {
        parts.add(p);
      }
    } else if (IPV6ISH.matcher(pattern.strip()).matches()) {
      parts.add(pattern);
    } else {
      Matcher m = SPLIT.matcher(pattern);
      while (m.find()) {
        parts.add(m.group());
      }
    }
    return parts.stream().map(String::strip).filter(p -> !p.isEmpty()).toList();
  }

  private List<String> matchOne(String pattern) throws InventoryException {
    if (pattern.isEmpty()) {
      return List.of();
    }
    String expr = pattern;
    int[] subscript = null;
    if (pattern.charAt(0) != '~') {
      Matcher m = SUBSCRIPT.matcher(pattern);
      if (m.matches()) {
        expr = m.group(1);
        if (m.group(2) != null) {
          subscript = new int[] {Integer.parseInt(m.group(2)), Integer.MIN_VALUE};
        } else {
          int end = m.group(5).isEmpty() ? -1 : Integer.parseInt(m.group(5));
          subscript = new int[] {Integer.parseInt(m.group(3)), end};
        }
      }
    }
    List<String> hosts = enumerate(expr);
    if (subscript == null || hosts.isEmpty()) {
      return hosts;
    }
    int start = subscript[0];
    int end = subscript[1];
    if (end != Integer.MIN_VALUE && end != 0) {
      int last = end == -1 ? hosts.size() - 1 : end;
      int from = Math.min(start, hosts.size());
      int to = Math.min(last + 1, hosts.size());
      return from >= to ? List.of() : hosts.subList(from, to);
    }
    int i = start < 0 ? hosts.size() + start : start;
    if (i < 0 || i >= hosts.size()) {
      throw new InventoryException(
          Mark.NONE,
          "no hosts matched the subscripted pattern '"
              + pattern
              + "' ("
              + hosts.size()
              + " hosts before the subscript)");
    }
    return List.of(hosts.get(i));
  }

  private List<String> enumerate(String pattern) throws InventoryException {
    Pattern re = compile(pattern);
    Set<String> results = new LinkedHashSet<>();
    boolean matchedGroup = false;
    for (Map.Entry<String, List<String>> g : inventory.hostsOfGroups().entrySet()) {
      if (matches(re, pattern, g.getKey())) {
        matchedGroup = true;
        results.addAll(g.getValue());
      }
    }
    boolean special =
        pattern.charAt(0) == '~'
            || pattern.contains(".")
            || pattern.contains("?")
            || pattern.contains("*")
            || pattern.contains("[");
    if (!matchedGroup || special) {
      for (String h : inventory.declaredHosts()) {
        if (matches(re, pattern, h)) {
          results.add(h);
        }
      }
    }
    return new ArrayList<>(results);
  }

  private static boolean matches(Pattern re, String pattern, String name) {
    Matcher m = re.matcher(name);
    return pattern.charAt(0) == '~' ? m.lookingAt() : m.matches();
  }

  private static Pattern compile(String pattern) throws InventoryException {
    try {
      return pattern.charAt(0) == '~'
          ? Pattern.compile(pattern.substring(1))
          : Pattern.compile(globToRegex(pattern), Pattern.DOTALL);
    } catch (PatternSyntaxException e) {
      throw new InventoryException(
          Mark.NONE, "invalid host pattern '" + pattern + "': " + e.getDescription());
    }
  }

  /** Python's fnmatch.translate: {@code *}, {@code ?}, {@code [seq]}, {@code [!seq]}. */
  static String globToRegex(String glob) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    int n = glob.length();
    while (i < n) {
      char c = glob.charAt(i++);
      if (c == '*') {
        re.append(".*");
      } else if (c == '?') {
        re.append('.');
      } else if (c == '[') {
        int j = i;
        if (j < n && glob.charAt(j) == '!') {
          j++;
        }
        if (j < n && glob.charAt(j) == ']') {
          j++;
        }
        while (j < n && glob.charAt(j) != ']') {
          j++;
        }
        if (j >= n) {
          re.append("\\[");
        } else {
          String stuff = glob.substring(i, j).replace("\\", "\\\\");
          i = j + 1;
          if (stuff.startsWith("!")) {
            stuff = "^" + stuff.substring(1);
          } else if (stuff.startsWith("^")) {
            stuff = "\\" + stuff;
          }
          re.append('[').append(stuff.replace("[", "\\[").replace("&&", "&\\&")).append(']');
        }
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return re.toString();
  }
}

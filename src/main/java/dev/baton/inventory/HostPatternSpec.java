package dev.baton.inventory;

import dev.baton.core.Mark;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host entry of an inventory ({@code db[01:03].example.com:2222}, {@code [::1]:22}): the names it
 * expands to and the port it gives them, if any.
 */
record HostPatternSpec(List<String> hosts, Integer port) {
  private static final Pattern BRACKETED_HOSTPORT = Pattern.compile("^\\[(.+)\\]:([0-9]+)$");
  private static final Pattern HOSTPORT =
      Pattern.compile("^((?:[^:\\[\\]]|\\[[^\\]]*\\])*):([0-9]+)$");

  static HostPatternSpec parse(String entry, Mark mark) throws InventoryException {
    String pattern = entry;
    Integer port = null;
    Matcher m = BRACKETED_HOSTPORT.matcher(entry);
    if (!m.matches()) {
      m = HOSTPORT.matcher(entry);
    }
    if (m.matches() && !m.group(1).isEmpty()) {
      try {
        port = Integer.parseInt(m.group(2));
        pattern = m.group(1);
      } catch (NumberFormatException e) {
        throw new InventoryException(mark, "port in '" + entry + "' is out of range");
      }
    }
    if (pattern.isEmpty()) {
      throw new InventoryException(mark, "empty host name");
    }
    try {
      return new HostPatternSpec(List.copyOf(HostRange.expand(pattern)), port);
    } catch (IllegalArgumentException e) {
      throw new InventoryException(mark, "host '" + entry + "': " + e.getMessage());
    }
  }
}

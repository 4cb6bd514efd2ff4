package dev.baton.openedge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code <db>.repl.properties} file as OpenEdge Replication reads it [doc]: INI sections ({@code
 * [server]}, {@code [control-agent.NAME]}, {@code [agent]}, {@code [transition]}), keys
 * case-insensitive, {@code #} comments. {@code file} is where it was read, for messages.
 */
record ReplConfig(String host, String file, Map<String, Map<String, String>> sections) {

  /**
   * Parses the file's text; a line that is neither a section, a key=value nor a comment is an
   * error.
   */
  static ReplConfig parse(String host, String file, String text) {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    Map<String, String> current = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        String name = line.substring(1, line.length() - 1).strip().toLowerCase(Locale.ROOT);
        current = sections.computeIfAbsent(name, k -> new LinkedHashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0 || current == null) {
        throw new IllegalArgumentException(
            host + ":" + file + ":" + (i + 1) + ": not a [section] or key=value line: " + line);
      }
      current.put(
          line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
    }
    return new ReplConfig(host, file, sections);
  }

  /** The value of {@code [section] key}, or null. */
  String get(String section, String key) {
    return sections.getOrDefault(section, Map.of()).get(key);
  }

  boolean has(String section) {
    return sections.containsKey(section);
  }

  /** The names of the {@code [control-agent.NAME]} sections, in file order. */
  List<String> controlAgentSections() {
    List<String> out = new ArrayList<>();
    for (String s : sections.keySet()) {
      if (s.startsWith("control-agent.")) {
        out.add(s.substring("control-agent.".length()));
      }
    }
    return out;
  }

  /** {@code host:file [section] key}, as a finding names what it is about. */
  String where(String section, String key) {
    return host + ":" + file + " [" + section + "] " + key;
  }
}

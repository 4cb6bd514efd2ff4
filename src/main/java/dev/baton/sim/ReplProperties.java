package dev.baton.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code <db>.repl.properties}: the INI file OpenEdge Replication reads [doc]. Sections {@code
 * [server]}, {@code [control-agent.NAME]} (host, port, database, connect-timeout), {@code [agent]}
 * and {@code [transition]} (database-role, transition, restart-after-transition,
 * online-transition). Keys are case-insensitive; {@code #} starts a comment.
 */
record ReplProperties(Path file, Map<String, Map<String, String>> sections) {

  /** One control agent the server connects to. */
  record ControlAgent(String name, String host, int port, String database, int connectTimeout) {}

  /** Unreadable or incomplete properties, with file:line where known. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }
  }

  static Path fileOf(DbPath db) {
    return db.file(".repl.properties");
  }

  static ReplProperties read(DbPath db) throws Invalid {
    Path f = fileOf(db);
    List<String> lines;
    try {
      lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new Invalid(f + " does not exist");
    } catch (IOException e) {
      throw new Invalid(f + ": " + e.getMessage());
    }
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    Map<String, String> current = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[")) {
        if (!line.endsWith("]")) {
          throw new Invalid(f + ":" + (i + 1) + ": section header without ]");
        }
        String name = line.substring(1, line.length() - 1).strip().toLowerCase(Locale.ROOT);
        current = sections.computeIfAbsent(name, k -> new LinkedHashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0 || current == null) {
        throw new Invalid(
            f + ":" + (i + 1) + ": expected key=value inside a [section]: " + lines.get(i));
      }
      current.put(
          line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
    }
    return new ReplProperties(f, sections);
  }

  Map<String, String> section(String name) {
    return sections.getOrDefault(name, Map.of());
  }

  /** The {@code [control-agent.*]} sections, in file order. */
  List<ControlAgent> controlAgents() throws Invalid {
    List<ControlAgent> out = new ArrayList<>();
    for (var e : sections.entrySet()) {
      if (!e.getKey().startsWith("control-agent.")) {
        continue;
      }
      Map<String, String> s = e.getValue();
      String name = e.getKey().substring("control-agent.".length());
      String host = s.get("host");
      String port = s.get("port");
      if (host == null || port == null) {
        throw new Invalid(file + ": [" + e.getKey() + "] needs host and port");
      }
      try {
        out.add(
            new ControlAgent(
                s.getOrDefault("name", name),
                host,
                Integer.parseInt(port),
                s.getOrDefault("database", ""),
                Integer.parseInt(s.getOrDefault("connect-timeout", "120"))));
      } catch (NumberFormatException x) {
        throw new Invalid(file + ": [" + e.getKey() + "] port and connect-timeout must be numbers");
      }
    }
    if (out.isEmpty()) {
      throw new Invalid(file + " has no [control-agent.NAME] section");
    }
    return out;
  }

  /** {@code [transition] database-role}: reverse (roles swap) or normal. */
  String databaseRole() {
    return section("transition").getOrDefault("database-role", "normal").toLowerCase(Locale.ROOT);
  }

  String transition() {
    return section("transition").getOrDefault("transition", "manual").toLowerCase(Locale.ROOT);
  }

  boolean restartAfterTransition() {
    return flag(section("transition").getOrDefault("restart-after-transition", "0"));
  }

  /**
   * Whether the brokers stay online through a failover transition: {@code online-transition}
   * defaults to 1 from 12.2; before 12.2 it is not available and the brokers shut down and restart
   * [doc: "DSRUTIL transition failover qualifier"].
   */
  boolean onlineTransition(Release release) {
    return !release.before(12, 2)
        && flag(section("transition").getOrDefault("online-transition", "1"));
  }

  private static boolean flag(String v) {
    return v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes");
  }
}

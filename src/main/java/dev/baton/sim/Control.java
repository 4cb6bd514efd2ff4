package dev.baton.sim;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The control area {@code <db>.db}: what OpenEdge keeps in it (block size, dates, extent paths,
 * after-imaging and replication state) plus the simulator's lineage and checkpoint. Stored as
 * sorted {@code key=value} text so a person can read it; replaced atomically on every save.
 */
final class Control {
  private final TreeMap<String, String> values = new TreeMap<>();
  private Structure structure;

  enum Role {
    NONE,
    SOURCE,
    TARGET
  }

  private Control(Structure structure) {
    this.structure = structure;
  }

  static Control create(DbPath db, Structure structure, int blockSize, String lineage) {
    Control c = new Control(structure);
    String now = Dates.now();
    c.set("name", db.name());
    c.set("blockSize", Integer.toString(blockSize));
    c.set("created", now);
    c.set("lineage", lineage);
    c.set("instance", java.util.UUID.randomUUID().toString());
    c.set("aiEnabled", "false");
    c.set("replication", "none");
    c.set("checkpointOffset", "0");
    c.set("checkpointPosition", "0");
    return c;
  }

  static Control load(DbPath db) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(db.control(), StandardCharsets.UTF_8)) {
      p.load(r);
    }
    List<Extent> extents = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int i = 0; p.getProperty("extent." + i) != null; i++) {
      lines.add(p.getProperty("extent." + i));
    }
    try {
      extents.addAll(Structure.parse(lines, db.dir(), db).extents());
    } catch (Structure.SyntaxError e) {
      throw new IOException(db.control() + ": damaged control area: " + e.getMessage(), e);
    }
    Control c = new Control(new Structure(List.copyOf(extents)));
    for (String k : p.stringPropertyNames()) {
      if (!k.startsWith("extent.")) {
        c.values.put(k, p.getProperty(k));
      }
    }
    return c;
  }

  /** Writes to a temporary file and renames it over {@code <db>.db} in one step. */
  void save(DbPath db) throws IOException {
    save(db.control());
  }

  void save(Path target) throws IOException {
    StringWriter w = new StringWriter();
    writeTo(w);
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, w.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void writeTo(Writer w) throws IOException {
    w.write("# OpenEdge database control area (baton simulator, not a real OpenEdge file)\n");
    for (var e : values.entrySet()) {
      w.write(e.getKey() + "=" + escape(e.getValue()) + "\n");
    }
    List<Extent> ex = structure.extents();
    for (int i = 0; i < ex.size(); i++) {
      w.write("extent." + i + "=" + escape(ex.get(i).stLine()) + "\n");
    }
  }

  private static String escape(String v) {
    StringBuilder b = new StringBuilder();
    for (char ch : v.toCharArray()) {
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case ':', '=', '#', '!' -> b.append('\\').append(ch);
        default -> b.append(ch);
      }
    }
    return b.toString();
  }

  String get(String key) {
    return values.get(key);
  }

  String get(String key, String dflt) {
    return values.getOrDefault(key, dflt);
  }

  long getLong(String key) {
    return Long.parseLong(values.getOrDefault(key, "0"));
  }

  boolean getBool(String key) {
    return Boolean.parseBoolean(values.get(key));
  }

  Control set(String key, String value) {
    if (value == null) {
      values.remove(key);
    } else {
      values.put(key, value);
    }
    return this;
  }

  Structure structure() {
    return structure;
  }

  void structure(Structure s) {
    this.structure = s;
  }

  int blockSize() {
    return Integer.parseInt(values.getOrDefault("blockSize", "8192"));
  }

  Role role() {
    return Role.valueOf(values.getOrDefault("replication", "none").toUpperCase());
  }

  void role(Role r) {
    set("replication", r.name().toLowerCase());
  }

  boolean aiEnabled() {
    return getBool("aiEnabled");
  }

  String lineage() {
    return values.get("lineage");
  }

  Checkpoint checkpoint() {
    return new Checkpoint(getLong("checkpointOffset"), getLong("checkpointPosition"));
  }

  void checkpoint(Checkpoint c) {
    set("checkpointOffset", Long.toString(c.offset()));
    set("checkpointPosition", Long.toString(c.position()));
  }

  /** A committed point of the record log: byte offset just after the entry at position. */
  record Checkpoint(long offset, long position) {}
}

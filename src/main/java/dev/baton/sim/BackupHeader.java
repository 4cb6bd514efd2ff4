package dev.baton.sim;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Properties;

/**
 * What a backup says about itself before its records: where and when it was taken, the identity
 * (lineage) of the source database, whether that database was a replication source, and the
 * after-image position the records reach.
 */
record BackupHeader(
    String dbName,
    String dbPath,
    int blockSize,
    String date,
    long epochMillis,
    String lineage,
    String sourceInstance,
    boolean replicationSource,
    boolean aiEnabled,
    long position,
    boolean online,
    boolean incremental,
    long basePosition,
    boolean replTargetCreation,
    long dataLength,
    String structure) {

  String text() {
    Properties p = new Properties();
    p.setProperty("dbName", dbName);
    p.setProperty("dbPath", dbPath);
    p.setProperty("blockSize", Integer.toString(blockSize));
    p.setProperty("date", date);
    p.setProperty("epochMillis", Long.toString(epochMillis));
    p.setProperty("lineage", lineage);
    p.setProperty("sourceInstance", sourceInstance);
    p.setProperty("replicationSource", Boolean.toString(replicationSource));
    p.setProperty("aiEnabled", Boolean.toString(aiEnabled));
    p.setProperty("position", Long.toString(position));
    p.setProperty("type", online ? "online" : "offline");
    p.setProperty("incremental", Boolean.toString(incremental));
    p.setProperty("basePosition", Long.toString(basePosition));
    p.setProperty("replTargetCreation", Boolean.toString(replTargetCreation));
    p.setProperty("dataLength", Long.toString(dataLength));
    p.setProperty("structure", structure);
    StringWriter w = new StringWriter();
    try {
      p.store(w, "baton OpenEdge simulator backup");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }

  static BackupHeader parse(String text) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(text));
    try {
      return new BackupHeader(
          req(p, "dbName"),
          req(p, "dbPath"),
          Integer.parseInt(req(p, "blockSize")),
          req(p, "date"),
          Long.parseLong(req(p, "epochMillis")),
          req(p, "lineage"),
          req(p, "sourceInstance"),
          Boolean.parseBoolean(req(p, "replicationSource")),
          Boolean.parseBoolean(req(p, "aiEnabled")),
          Long.parseLong(req(p, "position")),
          req(p, "type").equals("online"),
          Boolean.parseBoolean(p.getProperty("incremental", "false")),
          Long.parseLong(p.getProperty("basePosition", "0")),
          Boolean.parseBoolean(req(p, "replTargetCreation")),
          Long.parseLong(req(p, "dataLength")),
          req(p, "structure"));
    } catch (NumberFormatException e) {
      throw new IOException("bad number in backup header: " + e.getMessage());
    }
  }

  private static String req(Properties p, String k) throws IOException {
    String v = p.getProperty(k);
    if (v == null) {
      throw new IOException("backup header lacks " + k);
    }
    return v;
  }

  long blocks() {
    return (dataLength + blockSize - 1) / blockSize;
  }
}

package dev.baton.lab;

import java.io.IOException;

/**
 * Puts one site pair in the state a failback starts from: the secondary's database is the
 * replication source and serves production; the primary holds the stale old database from before
 * the failover (a source once, now shut down). Used by the embedded lab and by the end-to-end suite
 * on real OpenSSH hosts, which reach the hosts in different ways: each side says how to run a
 * utility in the database's directory and how to write a file beside the database.
 */
public final class SiteSeed {
  /** One machine of a pair, as the seeding reaches it. */
  public interface Side {
    /** Runs an OpenEdge (simulator) utility in the database's directory; fails on non-zero exit. */
    String run(String utility, String... args) throws IOException;

    /** Writes {@code fileName} in the database's directory. */
    void write(String fileName, String content) throws IOException;

    /** The address the other side of the pair reaches this machine at. */
    String address();

    /** The port this machine's database broker listens on when served. */
    int dbPort();
  }

  private final String dbName;
  private final LabBreak broken;

  public SiteSeed(String dbName) {
    this(dbName, LabBreak.NONE);
  }

  /** A seeding that builds one of the field's mistakes into the pair ({@link LabBreak}). */
  public SiteSeed(String dbName, LabBreak broken) {
    this.dbName = dbName;
    this.broken = broken;
  }

  /** The database of the primary before the failover: a source once, now stale and shut down. */
  public void oldPrimary(Side primary, Side secondary, long bytes) throws IOException {
    primary.run("prodb", dbName);
    primary.run("oesim", "load", dbName, "--bytes", Long.toString(Math.max(bytes, 65536)));
    primary.run("rfutil", dbName, "-C", "mark", "backedup");
    primary.run("rfutil", dbName, "-C", "aimage", "begin");
    primary.run("proutil", dbName, "-C", "enableSiteReplication", "source");
    primary.write(dbName + ".repl.properties", broken.primaryProperties(replProperties(secondary)));
  }

  /** The secondary after the failover: the replication source, serving production. */
  public void servingSource(Side secondary, Side primary, long bytes) throws IOException {
    // A production layout with after-imaging: the seed's online backup switches extents, and a
    // switched extent stays LOCKED until the new target has applied it.
    secondary.write(dbName + ".st", broken.sourceStructure());
    secondary.run("prodb", dbName);
    secondary.run("oesim", "load", dbName, "--bytes", Long.toString(bytes));
    secondary.run("rfutil", dbName, "-C", "mark", "backedup");
    secondary.run("rfutil", dbName, "-C", "aimage", "begin");
    secondary.run("proutil", dbName, "-C", "enableSiteReplication", "source");
    secondary.write(
        dbName + ".repl.properties", broken.secondaryProperties(replProperties(primary)));
    // Startup parameters above the defaults, as a production source has them: the failback must
    // start the target with at least these (15771 on 11.7 to 12.1).
    secondary.run(
        "proserve",
        dbName,
        "-S",
        Integer.toString(secondary.dbPort()),
        "-DBService",
        "replserv",
        "-n",
        "30",
        "-L",
        "10000");
    if (broken == LabBreak.AI_EXTENTS) {
      // Production since the failover, with no target to apply it: the extents lock one by one.
      secondary.run("oesim", "load", dbName, "--bytes", LabBreak.AI_WRITTEN, "--record-size", "4K");
    }
  }

  /**
   * The replication properties of a database that, as a source, ships to {@code other}. The real
   * file format; the simulator reads the same keys.
   */
  public String replProperties(Side other) {
    return "# Written by baton's embedded lab.\n"
        + "[server]\n"
        + "control-agents=agent1\n"
        + "database="
        + dbName
        + "\n"
        + "transition=manual\n"
        + "defer-agent-startup=10\n"
        + "\n"
        + "[control-agent.agent1]\n"
        + "name=agent1\n"
        + "database="
        + dbName
        + "\n"
        + "host="
        + other.address()
        + "\n"
        + "port="
        + other.dbPort()
        + "\n"
        + "connect-timeout=120\n"
        + "\n"
        + "[agent]\n"
        + "name=agent1\n"
        + "database="
        + dbName
        + "\n"
        + "listener-minport=4387\n"
        + "listener-maxport=4500\n"
        + "\n"
        + "[transition]\n"
        + "database-role=reverse\n"
        + "transition-to-agents=agent1\n"
        + "transition=manual\n"
        + "restart-after-transition=1\n"
        + "online-transition=1\n";
  }
}

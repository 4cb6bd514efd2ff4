package dev.baton.sim;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code proutil db -C busy|holder|describe|enableSiteReplication|disableSiteReplication}. busy
 * exits 0 free, 6 in use, 64 starting; holder exits 0 free, 14 single-user, 16 multi-user. A stale
 * lock file (its broker is gone) still counts as in use, as with OpenEdge.
 */
final class Proutil {
  static final int MSG_STARTING = 1421;
  static final int MSG_REPL_ENABLED = 10842;
  static final int MSG_REPL_DISABLED = 10843;
  static final int MSG_AI_REQUIRED = 10841;
  static final int MSG_NOT_FROM_SOURCE = 10845;
  static final int MSG_ALREADY_ENABLED = 10844;
  static final int MSG_NOT_ENABLED = 10846;
  private final Console c;

  Proutil(Console c) {
    this.c = c;
  }

  int run(String[] args) throws IOException {
    if (args.length < 3 || !args[1].equalsIgnoreCase("-C")) {
      throw c.usage("proutil", "usage: proutil <db> -C <qualifier> [arguments]");
    }
    String q = args[2].toLowerCase(Locale.ROOT);
    String arg = args.length > 3 ? args[3].toLowerCase(Locale.ROOT) : "";
    return switch (q) {
      case "busy" -> busy(args[0]);
      case "holder" -> holder(args[0]);
      case "describe" -> describe(Db.existing(c, args[0]));
      case "enablesitereplication" -> enable(Db.existing(c, args[0]), arg);
      case "disablesitereplication" -> disable(Db.existing(c, args[0]));
      default -> throw c.usage("proutil", "qualifier " + args[2] + " is not simulated");
    };
  }

  private int busy(String arg) {
    DbPath db = DbPath.of(c.cwd(), arg);
    if (!db.exists()) {
      throw Db.notFound(c, db);
    }
    Optional<LockFile> lk = LockFile.read(db);
    if (lk.isEmpty()) {
      return 0;
    }
    if (lk.get().state() == LockFile.State.STARTING && lk.get().live()) {
      c.msg("** The database " + db.display() + " is starting up.", MSG_STARTING);
      return 64;
    }
    LockFile.Mode m = lk.get().mode();
    c.msg(
        Db.inUseText(db, m),
        m == LockFile.Mode.MULTI_USER ? Db.MSG_MULTI_USER : Db.MSG_SINGLE_USER);
    return 6;
  }

  private int holder(String arg) {
    DbPath db = DbPath.of(c.cwd(), arg);
    if (!db.exists()) {
      throw Db.notFound(c, db);
    }
    Optional<LockFile> lk = LockFile.read(db);
    if (lk.isEmpty()) {
      return 0;
    }
    LockFile.Mode m = lk.get().mode();
    if (m == LockFile.Mode.MULTI_USER) {
      c.msg(Db.inUseText(db, m), Db.MSG_MULTI_USER);
      return 16;
    }
    c.msg(Db.inUseText(db, m), Db.MSG_SINGLE_USER);
    return 14;
  }

  private int describe(DbPath db) throws IOException {
    Control ct = Control.load(db);
    Control.Checkpoint committed = Oesim.committed(c, db, ct);
    var out = c.out();
    out.println("OpenEdge Database Description");
    out.println();
    line("Database Name", db.display());
    line("Version", "150.0");
    line("Block Size", Integer.toString(ct.blockSize()));
    line("Largest Cluster", "8");
    line("Create Date", ct.get("created", ""));
    line("Last Open Date", ct.get("lastClose", ct.get("created", "")));
    line("Prior Open Date", ct.get("created", ""));
    line("Schema Change Date", ct.get("created", ""));
    line("Database Lineage", ct.lineage());
    line("Database Instance", ct.get("instance", ""));
    line("Records Position", Long.toString(committed.position()));
    out.println();
    out.println("Before imaging information");
    line("Block Size", Integer.toString(ct.blockSize()));
    line("Cluster Size (16K Units)", "32");
    out.println();
    out.println("Backup Information");
    line("Last Full Backup Date", ct.get("lastFullBackup", "*** Not yet performed ***"));
    line("Last Backup Position", ct.get("lastBackupPosition", "0"));
    out.println();
    out.println("After Imaging Information");
    line("After Imaging", ct.aiEnabled() ? "Enabled" : "Disabled");
    line("After Image Position", Long.toString(committed.position()));
    out.println();
    out.println("Database Features");
    out.println();
    out.println("   ID   Feature                            Active  Details");
    out.println("   ----  ---------------------------------  ------  -------");
    Control.Role r = ct.role();
    String details = r == Control.Role.SOURCE ? "Source" : r == Control.Role.TARGET ? "Target" : "";
    out.println(
        String.format(
                Locale.ROOT,
                "   %4d  %-33s  %-6s  %s",
                1,
                "OpenEdge Replication",
                r == Control.Role.NONE ? "No" : "Yes",
                details)
            .stripTrailing());
    out.println(
        String.format(Locale.ROOT, "   %4d  %-33s  %-6s", 9, "64 Bit DBKEYS", "Yes")
            .stripTrailing());
    return 0;
  }

  private void line(String label, String value) {
    c.out().println(String.format(Locale.ROOT, "%-28s: %s", label, value));
  }

  private int enable(DbPath db, String role) throws IOException {
    if (!role.equals("source") && !role.equals("target")) {
      throw c.usage("proutil", "enableSiteReplication needs source or target");
    }
    try (Db.Session session = Db.singleUser(c, db)) {
      Control ct = Control.load(db);
      if (ct.role() != Control.Role.NONE) {
        throw c.fail(
            "** Database "
                + db.display()
                + " is already enabled for OpenEdge Replication as a "
                + ct.role().name().toLowerCase(Locale.ROOT)
                + ".",
            MSG_ALREADY_ENABLED,
            1);
      }
      if (role.equals("source") && !ct.aiEnabled()) {
        throw c.fail(
            "** After-imaging must be enabled before OpenEdge Replication can be enabled for "
                + db.display()
                + ".",
            MSG_AI_REQUIRED,
            1);
      }
      if (role.equals("target") && !ct.getBool("restoredFromEnabledSource")) {
        throw c.fail(notFromSource(db), MSG_NOT_FROM_SOURCE, 1);
      }
      ct.role(role.equals("source") ? Control.Role.SOURCE : Control.Role.TARGET);
      ct.save(db);
      DbLog.write(db, "RPLU", "OpenEdge Replication enabled as " + role + ".", MSG_REPL_ENABLED);
      c.msg(
          "OpenEdge Replication has been enabled for database "
              + db.display()
              + " as a "
              + role
              + ".",
          MSG_REPL_ENABLED);
      return 0;
    }
  }

  static String notFromSource(DbPath db) {
    return "** Database "
        + db.display()
        + " was not restored from a backup of an OpenEdge Replication source and cannot be"
        + " enabled as a target.";
  }

  private int disable(DbPath db) throws IOException {
    try (Db.Session session = Db.singleUser(c, db)) {
      Control ct = Control.load(db);
      if (ct.role() == Control.Role.NONE) {
        throw c.fail(
            "** Database " + db.display() + " is not enabled for OpenEdge Replication.",
            MSG_NOT_ENABLED,
            1);
      }
      if (!c.confirm(
          "Do you really want to disable OpenEdge Replication for database "
              + db.display()
              + "? (y/n)")) {
        c.out().println("Disable of OpenEdge Replication was cancelled.");
        return 1;
      }
      ct.role(Control.Role.NONE);
      ct.set("restoredFromEnabledSource", null);
      ct.save(db);
      DbLog.write(db, "RPLU", "OpenEdge Replication disabled.", MSG_REPL_DISABLED);
      c.msg(
          "OpenEdge Replication has been disabled for database " + db.display() + ".",
          MSG_REPL_DISABLED);
      return 0;
    }
  }
}

package dev.baton.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;

/**
 * {@code rfutil db -C aimage begin|end} and {@code rfutil db -C mark backedup}. After-imaging needs
 * the database backed up first (probkup or mark backedup), like OpenEdge.
 */
final class Rfutil {
  static final int MSG_AI_BEGIN = 3777;
  static final int MSG_AI_END = 3778;
  static final int MSG_NEEDS_BACKUP = 3775;
  static final int MSG_MARKED = 6024;
  private final Console c;

  Rfutil(Console c) {
    this.c = c;
  }

  int run(String[] args) throws IOException {
    if (args.length < 3 || !args[1].equalsIgnoreCase("-C")) {
      throw c.usage("rfutil", "usage: rfutil <db> -C aimage begin|end | mark backedup");
    }
    DbPath db = Db.existing(c, args[0]);
    String cmd =
        String.join(" ", java.util.Arrays.copyOfRange(args, 2, args.length))
            .toLowerCase(Locale.ROOT);
    try (Db.Session s = Db.singleUser(c, db)) {
      Control ct = Control.load(db);
      switch (cmd) {
        case "aimage begin" -> {
          if (ct.aiEnabled()) {
            throw c.fail("** After-imaging is already enabled.", MSG_AI_BEGIN, 1);
          }
          if (ct.get("lastFullBackup") == null && ct.get("markedBackedUp") == null) {
            throw c.fail(
                "** The database must be backed up before after-imaging can be enabled.",
                MSG_NEEDS_BACKUP,
                1);
          }
          if (ct.structure().ofType('a').isEmpty()) {
            // No after-image extent in the structure: add one variable extent beside the db.
            Extent a = new Extent('a', null, 0, 0, 0, db.file(".a1"), false, 0);
            Files.createFile(a.path());
            ct.structure(ct.structure().with(a));
          }
          Control.Checkpoint cp = Oesim.committedOffline(ct);
          ct.set("aiEnabled", "true").set("aiBeginPosition", Long.toString(cp.position()));
          ct.save(db);
          DbLog.write(db, "RFUTIL", "After-imaging enabled.", MSG_AI_BEGIN);
          c.msg("After-imaging is enabled for database " + db.display() + ".", MSG_AI_BEGIN);
        }
        case "aimage end" -> {
          if (ct.role() == Control.Role.SOURCE) {
            throw c.fail(
                "** After-imaging cannot be disabled on an OpenEdge Replication source.",
                MSG_AI_END,
                1);
          }
          ct.set("aiEnabled", "false");
          ct.save(db);
          DbLog.write(db, "RFUTIL", "After-imaging disabled.", MSG_AI_END);
          c.msg("After-imaging is disabled for database " + db.display() + ".", MSG_AI_END);
        }
        case "mark backedup" -> {
          ct.set("markedBackedUp", Dates.now());
          ct.save(db);
          c.msg("Database " + db.display() + " marked as backed up.", MSG_MARKED);
        }
        default -> throw c.usage("rfutil", "qualifier '" + cmd + "' is not simulated");
      }
    }
    return 0;
  }
}

package dev.baton.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;

/**
 * {@code rfutil db -C aimage begin|end}, {@code aimage extent list|empty} and {@code mark
 * backedup}. After-imaging needs the database backed up first (probkup or mark backedup), like
 * OpenEdge. {@code extent list} also runs while the database is served, as on OpenEdge.
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
      throw c.usage(
          "rfutil",
          "usage: rfutil <db> -C aimage begin|end|extent list|extent empty [N] | mark backedup");
    }
    DbPath db = Db.existing(c, args[0]);
    String cmd =
        String.join(" ", java.util.Arrays.copyOfRange(args, 2, args.length))
            .toLowerCase(Locale.ROOT);
    if (cmd.equals("aimage extent list")) {
      return list(db);
    }
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
          AfterImage.begin(ct, cp.offset()).forEach(ct::set);
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
        case "aimage extent empty" -> empty(ct, db, null);
        case "mark backedup" -> {
          ct.set("markedBackedUp", Dates.now());
          ct.save(db);
          c.msg("Database " + db.display() + " marked as backed up.", MSG_MARKED);
        }
        default -> {
          if (cmd.startsWith("aimage extent empty ")) {
            empty(ct, db, cmd.substring("aimage extent empty ".length()).strip());
          } else {
            throw c.usage("rfutil", "qualifier '" + cmd + "' is not simulated");
          }
        }
      }
    }
    return 0;
  }

  /** The extents and their states; read from the control area, so it works while served. */
  private int list(DbPath db) throws IOException {
    Control ct = Control.load(db);
    if (!ct.aiEnabled()) {
      // Returns no information when after-imaging is disabled [doc].
      return 0;
    }
    long end = Files.size(ct.structure().dataExtent().path());
    c.out().print(AfterImage.of(ct).list(end));
    return 0;
  }

  /**
   * Marks a full extent EMPTY (the oldest, or the one named by number or path). A LOCKED extent
   * cannot be emptied this way [doc]; the simulator empties FULL extents itself, so nothing else is
   * left to empty [sim].
   */
  private void empty(Control ct, DbPath db, String which) {
    for (AfterImage.Ext e : AfterImage.of(ct).extents()) {
      boolean named =
          which == null
              || which.equals(Integer.toString(e.number()))
              || which.equals(e.extent().path().toString());
      if (named && e.state() == AfterImage.State.LOCKED) {
        throw c.fail(
            "** After-image extent "
                + e.extent().path()
                + " is LOCKED by OpenEdge Replication and cannot be emptied.",
            AfterImage.MSG_CANNOT_SWITCH,
            1);
      }
    }
    throw c.fail(
        "** There is no FULL after-image extent to empty.", AfterImage.MSG_CANNOT_SWITCH, 1);
  }
}

package dev.baton.sim;

import java.io.IOException;
import java.nio.file.Files;

/** {@code prodel db}: asks y/n, then deletes the database files (the .st file is kept). */
final class Prodel {
  static final int MSG_DELETED = 1366;
  private final Console c;

  Prodel(Console c) {
    this.c = c;
  }

  int run(String[] args) throws IOException {
    if (args.length != 1) {
      throw c.usage("prodel", "usage: prodel <db>");
    }
    DbPath db = Db.existing(c, args[0]);
    try (Db.Session s = Db.singleUser(c, db)) {
      if (!c.confirm("Do you really want to delete database " + db.display() + "? (y/n)")) {
        c.out().println("Database " + db.display() + " was not deleted.");
        return 1;
      }
      Control ct = Control.load(db);
      Db.deleteFiles(db, ct);
      Files.deleteIfExists(db.log());
    }
    c.msg("Database " + db.display() + " deleted.", MSG_DELETED);
    return 0;
  }
}

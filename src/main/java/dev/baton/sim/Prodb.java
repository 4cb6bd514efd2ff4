package dev.baton.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.util.UUID;

/**
 * {@code prodb db [empty] [-blocksize n]}: creates an empty database, with the extents of {@code
 * <db>.st} when one exists beside it, else one variable extent per area.
 */
final class Prodb {
  static final int MSG_EXISTS = 1353;
  private final Console c;

  Prodb(Console c) {
    this.c = c;
  }

  int run(String[] args) throws IOException {
    String name = null;
    int blockSize = 8192;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-blocksize") && i + 1 < args.length) {
        blockSize = Integer.parseInt(args[++i]);
      } else if (a.startsWith("-")) {
        throw c.usage("prodb", "unknown option " + a);
      } else if (name == null) {
        name = a;
      } else if (!a.equals("empty") && !a.equals("sports") && !a.equals("isports")) {
        throw c.usage("prodb", "only the empty database can be copied by the simulator");
      }
    }
    if (name == null) {
      throw c.usage("prodb", "usage: prodb <new-db> [empty] [-blocksize n]");
    }
    DbPath db = DbPath.of(c.cwd(), name);
    create(c, db, blockSize, "prodb");
    return 0;
  }

  /** Shared with prostrct create: refuses an existing db or missing directories. */
  static void create(Console c, DbPath db, int blockSize, String tool) throws IOException {
    if (db.exists()) {
      throw c.fail("** The database " + db.display() + " already exists.", MSG_EXISTS, 1);
    }
    Structure s;
    if (Files.isRegularFile(db.structure())) {
      try {
        s = Structure.parse(db.structure(), c.cwd(), db);
      } catch (Structure.SyntaxError e) {
        throw c.fail(
            "Syntax error in structure file "
                + db.structure()
                + " line "
                + e.line
                + ": "
                + e.getMessage()
                + ".",
            Prostrct.MSG_ST_SYNTAX,
            1);
      }
    } else {
      s = Structure.defaults(db);
    }
    var missing = Db.missingDirectory(s);
    if (missing.isPresent()) {
      throw c.fail(
          "** Directory " + missing.get() + " of an extent does not exist.",
          Prostrct.MSG_ST_NO_DIR,
          1);
    }
    Control control = Control.create(db, s, blockSize, UUID.randomUUID().toString());
    Db.createFiles(db, control);
    DbLog.write(db, tool.toUpperCase(), "Database " + db.display() + " created.", 1365);
  }
}

package dev.baton.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * {@code prostrct list db [file]} and {@code prostrct create db [file] [-blocksize n] [-validate]}.
 */
final class Prostrct {
  static final int MSG_LIST_NO_DB = 6921;
  static final int MSG_ST_SYNTAX = 12616;
  static final int MSG_ST_NO_DIR = 12618;
  static final int MSG_ST_VALID = 12619;
  private final Console c;

  Prostrct(Console c) {
    this.c = c;
  }

  int run(String[] args) throws IOException {
    if (args.length < 2) {
      throw c.usage("prostrct", "usage: prostrct list|create <db> [structure-file] [options]");
    }
    return switch (args[0]) {
      case "list" -> list(args);
      case "create" -> create(args);
      default -> throw c.usage("prostrct", "unsupported qualifier " + args[0]);
    };
  }

  private int list(String[] args) throws IOException {
    DbPath db = DbPath.of(c.cwd(), args[1]);
    if (!db.exists()) {
      c.out()
          .println(
              "PROSTRCT LIST: file "
                  + db.control()
                  + " does not exist, command ignored. ("
                  + MSG_LIST_NO_DB
                  + ")");
      return 1;
    }
    Path file = args.length > 2 ? c.cwd().resolve(args[2]) : db.structure();
    Control control = Control.load(db);
    Structure s = control.structure();
    c.out().println();
    c.out()
        .println(
            "Area Name: Control Area, Type 6, Block Size "
                + control.blockSize()
                + ", Extents 1, Records/Block 32, Cluster Size 1");
    c.out().println("  Ext # 1, Type VARIABLE, Size 32 KByte, Name: " + db.control());
    for (Extent e : s.extents()) {
      String area =
          switch (e.type()) {
            case 'b' -> "Primary Recovery Area";
            case 'a' -> "After Image Area";
            case 't' -> "Transaction Log Area";
            default -> e.areaName();
          };
      c.out().println();
      c.out()
          .println(
              "Area Name: "
                  + area
                  + ", Type 6, Block Size "
                  + control.blockSize()
                  + ", Extents 1, Records/Block "
                  + Math.max(e.recsPerBlock(), 32)
                  + ", Cluster Size "
                  + Math.max(e.blocksPerCluster(), 1));
      c.out()
          .println(
              "  Ext # 1, Type "
                  + (e.fixed() ? "FIXED   " : "VARIABLE")
                  + ", Size "
                  + (e.fixed()
                      ? e.sizeKb()
                      : Files.exists(e.path()) ? Files.size(e.path()) / 1024 : 0)
                  + " KByte, Name: "
                  + e.path());
    }
    Files.writeString(file, s.text(), StandardCharsets.UTF_8);
    c.out().println();
    c.out().println("Structure description written to " + file + ".");
    return 0;
  }

  private int create(String[] args) throws IOException {
    DbPath db = DbPath.of(c.cwd(), args[1]);
    Path file = db.structure();
    int blockSize = 8192;
    boolean validate = false;
    for (int i = 2; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-blocksize") && i + 1 < args.length) {
        blockSize = Integer.parseInt(args[++i]);
      } else if (a.equals("-validate")) {
        validate = true;
      } else if (a.startsWith("-")) {
        throw c.usage("prostrct", "unknown option " + a);
      } else {
        file = c.cwd().resolve(a);
      }
    }
    if (!Files.isRegularFile(file)) {
      throw c.fail("** Cannot find or open file " + file + ", errno = 2.", Db.MSG_NOT_FOUND, 1);
    }
    Structure s;
    try {
      s = Structure.parse(file, c.cwd(), db);
    } catch (Structure.SyntaxError e) {
      throw c.fail(
          "Syntax error in structure file "
              + file
              + " line "
              + e.line
              + ": "
              + e.getMessage()
              + ".",
          MSG_ST_SYNTAX,
          1);
    }
    var missing = Db.missingDirectory(s);
    if (missing.isPresent()) {
      throw c.fail(
          "** Directory " + missing.get() + " of an extent does not exist.", MSG_ST_NO_DIR, 1);
    }
    if (validate) {
      c.msg("The structure file format is valid.", MSG_ST_VALID);
      return 0;
    }
    if (db.exists()) {
      throw c.fail("** The database " + db.display() + " already exists.", Prodb.MSG_EXISTS, 1);
    }
    Control control = Control.create(db, s, blockSize, UUID.randomUUID().toString());
    Db.createFiles(db, control);
    DbLog.write(db, "PROSTRCT", "Database " + db.display() + " created from " + file + ".", 1365);
    return 0;
  }
}

package dev.baton.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * {@code prorest db device [-vp|-vf|-list] [-REPLTransition]}. Every extent is first written beside
 * its final path as {@code <extent>.rst}; only when the whole backup has been read and its checksum
 * matched are they renamed into place and the control area written last (a database exists iff its
 * .db exists). Any failure removes the temporary files: nothing half-restored is left, and an
 * existing database is untouched.
 */
final class Prorest {
  static final int MSG_INVALID_BACKUP = 6765;
  static final int MSG_REPL_ENABLED = 10849;
  static final int MSG_DISK_FULL = 6766;
  static final int MSG_ABORTED = 6767;
  static final int MSG_TRANSITIONED = 10850;
  static final int MSG_INCREMENTAL = 6758;
  static final int MSG_INCREMENTAL_ORDER = 6768;
  static final String TMP = ".rst";
  private final Console c;

  Prorest(Console c) {
    this.c = c;
  }

  private record Options(
      String db, String device, boolean verifyOnly, boolean list, boolean replTransition) {}

  private Options parse(String[] args) {
    String db = null;
    String device = null;
    boolean verify = false;
    boolean list = false;
    boolean repl = false;
    for (String a : args) {
      switch (a) {
        case "-vp", "-vf" -> verify = true;
        case "-list" -> list = true;
        case "-REPLTransition" -> repl = true;
        default -> {
          if (a.startsWith("-")) {
            throw c.usage("prorest", "unknown option " + a);
          } else if (db == null) {
            db = a;
          } else if (device == null) {
            device = a;
          } else {
            throw c.usage("prorest", "unexpected argument " + a);
          }
        }
      }
    }
    if (db == null || device == null) {
      throw c.usage("prorest", "usage: prorest <db> <device> [-vp|-vf|-list] [-REPLTransition]");
    }
    return new Options(db, device, verify, list, repl);
  }

  int run(String[] args) throws IOException, InterruptedException {
    Options o = parse(args);
    Path device = c.cwd().resolve(o.device());
    BackupFile.Opened backup;
    try {
      backup = BackupFile.open(device);
    } catch (BackupFile.InvalidBackup e) {
      throw invalid(device, e.getMessage());
    } catch (java.nio.file.NoSuchFileException e) {
      throw c.fail("** Cannot find or open file " + device + ", errno = 2.", Db.MSG_NOT_FOUND, 1);
    }
    BackupHeader h = backup.header();
    if (h.incremental()) {
      c.msg(
          "This is an incremental backup of "
              + h.dbPath()
              + " from position "
              + h.basePosition()
              + " to "
              + h.position()
              + ".",
          MSG_INCREMENTAL);
    } else {
      c.msg("This is a full backup of " + h.dbPath() + ".", 6759);
    }
    c.msg("This backup was taken on " + h.date() + ".", 6760);
    c.msg("The blocksize is " + h.blockSize() + ".", 6994);
    c.msg(
        "This backup will require a minimum of " + (h.blocks() + 3) + " blocks to restore.", 6763);
    if (o.list()) {
      c.out().println("Backup type: " + (h.online() ? "online" : "offline") + " full");
      c.out().println("Database lineage: " + h.lineage());
      c.out().println("Replication source: " + (h.replicationSource() ? "yes" : "no"));
      c.out().println("After-image position: " + h.position());
      c.out().println("Data bytes: " + h.dataLength());
      c.out().print(h.structure());
      return 0;
    }
    if (o.verifyOnly()) {
      try (FileChannel in = FileChannel.open(device, StandardOpenOption.READ)) {
        copyData(in, backup, null, OptionalLong.empty(), OptionalLong.empty());
      } catch (BackupFile.InvalidBackup e) {
        throw invalid(device, e.getMessage());
      }
      c.out().println("Verified " + h.blocks() + " db blocks: the backup is valid.");
      return 0;
    }
    DbPath db = DbPath.of(c.cwd(), o.db());
    Db.refuseIfInUse(c, db, 1);
    if (h.incremental()) {
      return applyIncremental(db, backup, device, o);
    }
    Optional<Control> old = db.exists() ? Optional.of(Control.load(db)) : Optional.empty();
    if (old.isPresent() && old.get().role() != Control.Role.NONE) {
      throw c.fail(
          "** Database "
              + db.display()
              + " is enabled for OpenEdge Replication; prorest is not allowed. Disable"
              + " replication first.",
          MSG_REPL_ENABLED,
          1);
    }
    if (o.replTransition() && !h.replicationSource()) {
      throw c.fail(Proutil.notFromSource(db), Proutil.MSG_NOT_FROM_SOURCE, 1);
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
    if (h.aiEnabled() && s.ofType('a').isEmpty()) {
      // After-imaging stays enabled in the restored copy; it needs an extent to write to.
      s = s.with(new Extent('a', null, 0, 0, 0, db.file(".a1"), false, 0));
    }
    Optional<Path> missing = Db.missingDirectory(s);
    if (missing.isPresent()) {
      throw c.fail(
          "** Directory " + missing.get() + " of an extent does not exist.",
          Prostrct.MSG_ST_NO_DIR,
          1);
    }
    if (old.isPresent()
        && !c.confirm(
            "The database " + db.display() + " exists. Do you want to over write it? [y/n]:")) {
      throw c.fail("Restore of " + db.display() + " aborted; nothing was changed.", MSG_ABORTED, 1);
    }
    Faults faults = Faults.of(c, db);
    long started = System.nanoTime();
    try (Db.Session session = Db.singleUser(c, db)) {
      restore(db, s, old, backup, device, o, faults);
    }
    c.out()
        .println(
            "Read "
                + (h.blocks() + 3)
                + " db blocks in "
                + Dates.elapsed(System.nanoTime() - started));
    if (o.replTransition()) {
      c.msg(
          "Database " + db.display() + " is enabled as an OpenEdge Replication target.",
          MSG_TRANSITIONED);
    }
    return 0;
  }

  /**
   * Appends the records of an incremental backup to the database restored from the backup before
   * it: same lineage, and the database must stand exactly at the backup's base position. On any
   * failure the data extent is cut back to its old length, so nothing changes.
   */
  private int applyIncremental(DbPath db, BackupFile.Opened backup, Path device, Options o)
      throws IOException, InterruptedException {
    BackupHeader h = backup.header();
    if (!db.exists()) {
      throw c.fail(
          "** An incremental backup can only be restored onto an existing database; "
              + db.display()
              + " does not exist.",
          MSG_INCREMENTAL_ORDER,
          1);
    }
    Faults faults = Faults.of(c, db);
    long started = System.nanoTime();
    String startedAt = Dates.now();
    try (Db.Session session = Db.singleUser(c, db)) {
      Control ct = Control.load(db);
      if (ct.role() != Control.Role.NONE) {
        throw c.fail(
            "** Database "
                + db.display()
                + " is enabled for OpenEdge Replication; prorest is not allowed. Disable"
                + " replication first.",
            MSG_REPL_ENABLED,
            1);
      }
      if (!h.lineage().equals(ct.lineage())) {
        throw c.fail(
            "** The incremental backup is of another database (lineage "
                + h.lineage()
                + ", "
                + db.display()
                + " has "
                + ct.lineage()
                + ").",
            MSG_INCREMENTAL_ORDER,
            1);
      }
      if (o.replTransition() && !h.replicationSource()) {
        throw c.fail(Proutil.notFromSource(db), Proutil.MSG_NOT_FROM_SOURCE, 1);
      }
      Control.Checkpoint at = Oesim.committedOffline(ct);
      if (at.position() != h.basePosition()) {
        throw c.fail(
            "** Incremental backup out of sequence: it starts at position "
                + h.basePosition()
                + ", the database is at position "
                + at.position()
                + ".",
            MSG_INCREMENTAL_ORDER,
            1);
      }
      Path data = ct.structure().dataExtent().path();
      boolean done = false;
      try (FileChannel out =
          FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        try {
          out.truncate(at.offset());
          out.position(at.offset());
          try (FileChannel in = FileChannel.open(device, StandardOpenOption.READ)) {
            copyData(
                in,
                backup,
                out,
                faults.bytes(Faults.RESTORE_DISK_FULL_AFTER),
                faults.bytes(Faults.RESTORE_RATE));
          }
          Control.Checkpoint end = ChangeLog.scan(out, at, Long.MAX_VALUE, null);
          if (end.position() != h.position()) {
            throw new BackupFile.InvalidBackup(
                "its records end at position " + end.position() + ", expected " + h.position());
          }
          out.force(false);
          ct.checkpoint(end);
          ct.set("restoredIncrementalDate", h.date());
          if (o.replTransition()) {
            ct.set("restoredFromEnabledSource", "true");
            ct.role(Control.Role.TARGET);
          }
          ct.save(db);
          done = true;
        } finally {
          if (!done) {
            out.truncate(at.offset());
          }
        }
      } catch (DiskFull e) {
        throw c.fail(
            "** Unable to write extent "
                + data
                + ": No space left on device (errno 28);"
                + " restore failed, nothing was restored.",
            MSG_DISK_FULL,
            1);
      } catch (BackupFile.InvalidBackup e) {
        throw invalid(device, e.getMessage());
      }
    }
    DbLog.write(db, "RESTORE", "Incremental restore started. " + startedAt, 1370);
    DbLog.write(db, "RESTORE", "Incremental restore completed.", 1371);
    c.out()
        .println(
            "Read "
                + (h.blocks() + 1)
                + " db blocks in "
                + Dates.elapsed(System.nanoTime() - started));
    if (o.replTransition()) {
      c.msg(
          "Database " + db.display() + " is enabled as an OpenEdge Replication target.",
          MSG_TRANSITIONED);
    }
    return 0;
  }

  private SimExit invalid(Path device, String why) {
    return c.fail("** " + device + " is not a valid backup: " + why + ".", MSG_INVALID_BACKUP, 1);
  }

  private void restore(
      DbPath db,
      Structure s,
      Optional<Control> old,
      BackupFile.Opened backup,
      Path device,
      Options o,
      Faults faults)
      throws IOException, InterruptedException {
    BackupHeader h = backup.header();
    String startedAt = Dates.now();
    List<Path> temps = new ArrayList<>();
    boolean done = false;
    Path data = s.dataExtent().path();
    try {
      for (Extent e : s.extents()) {
        Path tmp = tmp(e.path());
        Files.deleteIfExists(tmp);
        temps.add(tmp);
        try (FileChannel out =
            FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          if (e.path().equals(data)) {
            try (FileChannel in = FileChannel.open(device, StandardOpenOption.READ)) {
              copyData(
                  in,
                  backup,
                  out,
                  faults.bytes(Faults.RESTORE_DISK_FULL_AFTER),
                  faults.bytes(Faults.RESTORE_RATE));
            }
          } else if (e.type() == 'd' && e.area() == Extent.SCHEMA_AREA) {
            out.write(Db.schemaBlock(db, h.blockSize()));
          }
          out.force(false);
        }
      }
      Control ct = Control.create(db, s, h.blockSize(), h.lineage());
      ct.set("created", old.map(x -> x.get("created")).orElse(Dates.now()));
      ct.checkpoint(new Control.Checkpoint(h.dataLength(), h.position()));
      ct.set("restoredFrom", h.dbPath());
      ct.set("restoredFromInstance", h.sourceInstance());
      ct.set("restoredFromEnabledSource", Boolean.toString(h.replicationSource()));
      ct.set("restoredBackupDate", h.date());
      ct.set("restoredBackupType", h.online() ? "online" : "offline");
      ct.set("restoredTargetCreation", Boolean.toString(h.replTargetCreation()));
      ct.set("aiEnabled", Boolean.toString(h.aiEnabled()));
      if (h.aiEnabled()) {
        ct.set("aiBeginPosition", Long.toString(h.position()));
        AfterImage.begin(ct, h.dataLength()).forEach(ct::set);
      }
      if (o.replTransition()) {
        ct.role(Control.Role.TARGET);
      }
      Path ctTmp = tmp(db.control());
      temps.add(ctTmp);
      ct.save(ctTmp);
      // The point of no return: replace the old database, extents first, control area last.
      if (old.isPresent()) {
        for (Extent e : old.get().structure().extents()) {
          if (s.extents().stream().noneMatch(n -> n.path().equals(e.path()))) {
            Files.deleteIfExists(e.path());
          }
        }
      }
      for (Extent e : s.extents()) {
        Files.move(tmp(e.path()), e.path(), StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(ctTmp, db.control(), StandardCopyOption.REPLACE_EXISTING);
      done = true;
    } catch (DiskFull e) {
      throw c.fail(
          "** Unable to write extent "
              + data
              + ": No space left on device (errno 28);"
              + " restore failed, nothing was restored.",
          MSG_DISK_FULL,
          1);
    } catch (BackupFile.InvalidBackup e) {
      throw invalid(device, e.getMessage());
    } finally {
      if (!done) {
        for (Path t : temps) {
          Files.deleteIfExists(t);
        }
      }
    }
    DbLog.write(db, "RESTORE", "Full restore started. " + startedAt, 1368);
    DbLog.write(db, "RESTORE", "Full restore completed.", 1369);
  }

  private static Path tmp(Path p) {
    return p.resolveSibling(p.getFileName() + TMP);
  }

  /** Disk full injected by BATON_SIM_FAULT_RESTORE_DISK_FULL_AFTER. */
  static final class DiskFull extends IOException {
    DiskFull() {
      super("No space left on device");
    }
  }

  /**
   * Streams the records of the backup to {@code out} (or nowhere, to verify), checking the checksum
   * at the end.
   */
  static void copyData(
      FileChannel in,
      BackupFile.Opened b,
      FileChannel out,
      OptionalLong diskFullAfter,
      OptionalLong rate)
      throws IOException, BackupFile.InvalidBackup, InterruptedException {
    CRC32C crc = new CRC32C();
    crc.update(b.headerBytes());
    long len = b.header().dataLength();
    int chunk = BackupFile.CHUNK;
    if (rate.isPresent()) {
      chunk = (int) Math.max(4096, Math.min(chunk, rate.getAsLong() / 10));
    }
    ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
    long done = 0;
    long started = System.nanoTime();
    while (done < len) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), len - done));
      while (buf.hasRemaining()) {
        if (in.read(buf, b.dataStart() + done + buf.position()) < 0) {
          throw new BackupFile.InvalidBackup("unexpected end of the backup");
        }
      }
      buf.flip();
      buf.mark();
      crc.update(buf);
      buf.reset();
      if (out != null) {
        if (diskFullAfter.isPresent() && done + buf.remaining() > diskFullAfter.getAsLong()) {
          buf.limit((int) Math.max(0, diskFullAfter.getAsLong() - done));
          BackupFile.writeFully(out, buf);
          throw new DiskFull();
        }
        BackupFile.writeFully(out, buf);
      }
      done += buf.limit();
      if (rate.isPresent()) {
        long ahead = (long) (done * 1e9 / rate.getAsLong()) - (System.nanoTime() - started);
        if (ahead > 0) {
          Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
        }
      }
    }
    if (crc.getValue() != b.storedCrc()) {
      throw new BackupFile.InvalidBackup("checksum mismatch, the backup is damaged");
    }
  }
}

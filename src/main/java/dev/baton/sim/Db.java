package dev.baton.sim;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** Checks and steps shared by the utilities: existence, in-use state, single-user sessions. */
final class Db {
  static final int MSG_NOT_FOUND = 43;
  static final int MSG_MULTI_USER = 276;
  static final int MSG_SINGLE_USER = 263;
  static final int MSG_NO_SERVER = 1423;

  private Db() {}

  /** A single-user session: closing it removes the lock file. */
  interface Session extends AutoCloseable {
    @Override
    void close();
  }

  static SimExit notFound(Console c, DbPath db) {
    return c.fail("** Cannot find or open file " + db.control() + ", errno = 2.", MSG_NOT_FOUND, 1);
  }

  static DbPath existing(Console c, String arg) {
    DbPath db = DbPath.of(c.cwd(), arg);
    if (!db.exists()) {
      throw notFound(c, db);
    }
    return db;
  }

  static String inUseText(DbPath db, LockFile.Mode mode) {
    return "** The database "
        + db.display()
        + " is in use in "
        + (mode == LockFile.Mode.MULTI_USER ? "multi-user" : "single-user")
        + " mode.";
  }

  /** Refuses with 276 (multi-user) or 263 (single-user) if a lock file is present. */
  static void refuseIfInUse(Console c, DbPath db, int exitCode) {
    Optional<LockFile> lk = LockFile.read(db);
    if (lk.isPresent()) {
      LockFile.Mode m = lk.get().mode();
      throw c.fail(
          inUseText(db, m),
          m == LockFile.Mode.MULTI_USER ? MSG_MULTI_USER : MSG_SINGLE_USER,
          exitCode);
    }
  }

  /** A live broker of the database, if one is serving it. */
  static Optional<LockFile> broker(DbPath db) {
    return LockFile.read(db)
        .filter(
            l ->
                l.mode() == LockFile.Mode.MULTI_USER
                    && l.state() == LockFile.State.RUNNING
                    && l.port() > 0
                    && l.live());
  }

  /** Opens the database single-user for the life of the returned session. */
  static Session singleUser(Console c, DbPath db) throws IOException {
    LockFile lk = LockFile.mine(LockFile.Mode.SINGLE_USER, LockFile.State.RUNNING, 0, "");
    if (!LockFile.tryCreate(db, lk)) {
      refuseIfInUse(c, db, 1);
      // The holder vanished between the two looks: try once more.
      if (!LockFile.tryCreate(db, lk)) {
        refuseIfInUse(c, db, 1);
      }
    }
    return () -> LockFile.remove(db);
  }

  /**
   * Creates the files of an empty database with the given structure. Fixed extents other than the
   * data extent get their size (sparse); the data extent holds the record log and grows.
   */
  static void createFiles(DbPath db, Control control) throws IOException {
    Structure s = control.structure();
    Path data = s.dataExtent().path();
    for (Extent e : s.extents()) {
      try (FileChannel ch =
          FileChannel.open(e.path(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        if (e.type() == 'd' && e.area() == Extent.SCHEMA_AREA && !e.path().equals(data)) {
          ch.write(schemaBlock(db, control.blockSize()));
        }
        if (e.fixed() && e.sizeKb() > 0 && !e.path().equals(data)) {
          ch.write(ByteBuffer.allocate(1), e.sizeKb() * 1024 - 1);
        }
      }
    }
    control.save(db);
  }

  static ByteBuffer schemaBlock(DbPath db, int blockSize) {
    ByteBuffer b = ByteBuffer.allocate(blockSize);
    b.put(
        ("OpenEdge schema area (baton simulator) " + db.name() + "\n")
            .getBytes(StandardCharsets.UTF_8));
    b.clear();
    return b;
  }

  /** Every directory an extent needs; the first missing one, if any. */
  static Optional<Path> missingDirectory(Structure s) {
    for (Extent e : s.extents()) {
      Path dir = e.path().getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /** Deletes the database files named by its control area, then the control area. */
  static void deleteFiles(DbPath db, Control control) throws IOException {
    for (Extent e : control.structure().extents()) {
      Files.deleteIfExists(e.path());
    }
    Files.deleteIfExists(db.control());
  }

  static void writeText(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
  }
}

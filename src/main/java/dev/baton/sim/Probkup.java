package dev.baton.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * {@code probkup [online] db [incremental] device [-com] [-vs n] [-bf n] [-verbose]
 * [-REPLTargetCreation]}. Online: the broker hands over a committed point and the backup copies the
 * log up to it while writers go on appending after it. Offline: the database is opened single-user,
 * so a served one is refused with 276 (or 263).
 */
final class Probkup {
  static final int MSG_NOT_SERVED = Db.MSG_NO_SERVER;
  static final int MSG_DEVICE = 6700;
  static final int MSG_ABORTED = 6701;
  static final int MSG_NO_BASE = 6702;
  private final Console c;

  Probkup(Console c) {
    this.c = c;
  }

  private record Options(
      boolean online,
      String db,
      boolean incremental,
      String device,
      boolean verbose,
      boolean replTargetCreation) {}

  private Options parse(String[] args) {
    boolean online = false;
    boolean verbose = false;
    boolean repl = false;
    boolean incremental = false;
    String db = null;
    String device = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "-com", "-scan", "-norecover" -> {}
        case "-vs", "-bf", "-io", "-red" -> i++;
        case "-verbose" -> verbose = true;
        case "-REPLTargetCreation" -> repl = true;
        default -> {
          if (a.startsWith("-")) {
            throw c.usage("probkup", "unknown option " + a);
          } else if (a.equals("online") && db == null && !online) {
            online = true;
          } else if (db == null) {
            db = a;
          } else if (a.equals("incremental") && device == null && !incremental) {
            incremental = true;
          } else if (device == null) {
            device = a;
          } else {
            throw c.usage("probkup", "unexpected argument " + a);
          }
        }
      }
    }
    if (db == null || device == null) {
      throw c.usage(
          "probkup",
          "usage: probkup [online] <db> [incremental] <device> [-com] [-vs n] [-bf n] [-verbose]"
              + " [-REPLTargetCreation]");
    }
    return new Options(online, db, incremental, device, verbose, repl);
  }

  int run(String[] args) throws IOException, InterruptedException {
    Options o = parse(args);
    DbPath db = Db.existing(c, o.db());
    Faults faults = Faults.of(c, db);
    Path device = c.cwd().resolve(o.device());
    if (o.online()) {
      Optional<LockFile> lk = Db.broker(db);
      if (lk.isEmpty()) {
        throw c.fail(
            "** There is no server for database "
                + db.display()
                + "; an online backup needs the database served multi-user.",
            MSG_NOT_SERVED,
            1);
      }
      try (BrokerClient bc = new BrokerClient(lk.get().port())) {
        Control.Checkpoint cp;
        try {
          cp = bc.beginBackup();
        } catch (BrokerClient.Refused e) {
          throw c.fail(e.getMessage(), e.number, 1);
        }
        Control ct = Control.load(db);
        backup(db, ct, cp, device, o, faults);
        bc.endBackup();
      }
    } else {
      try (Db.Session s = Db.singleUser(c, db)) {
        Control ct = Control.load(db);
        Control.Checkpoint cp = Oesim.committedOffline(ct);
        backup(db, ct, cp, device, o, faults);
      }
    }
    return 0;
  }

  private void backup(
      DbPath db, Control ct, Control.Checkpoint cp, Path device, Options o, Faults faults)
      throws IOException, InterruptedException {
    long now = System.currentTimeMillis();
    Control.Checkpoint base = new Control.Checkpoint(0, 0);
    if (o.incremental()) {
      if (ct.get("lastBackupOffset") == null) {
        throw c.fail(
            "** An incremental backup of "
                + db.display()
                + " needs a previous full backup made by probkup.",
            MSG_NO_BASE,
            1);
      }
      base =
          new Control.Checkpoint(ct.getLong("lastBackupOffset"), ct.getLong("lastBackupPosition"));
    }
    BackupHeader h =
        new BackupHeader(
            db.name(),
            db.display(),
            ct.blockSize(),
            Dates.now(),
            now,
            ct.lineage(),
            ct.get("instance", ""),
            ct.role() == Control.Role.SOURCE,
            ct.aiEnabled(),
            cp.position(),
            o.online(),
            o.incremental(),
            base.position(),
            o.replTargetCreation(),
            cp.offset() - base.offset(),
            ct.structure().text());
    byte[] hb = h.text().getBytes(StandardCharsets.UTF_8);
    long total = BackupFile.MAGIC.length + 4L + hb.length + h.dataLength() + BackupFile.TRAILER;
    long blocks = h.blocks() + 2;
    c.msg("1 bi blocks will be dumped.", 6686);
    c.msg(blocks + " out of " + blocks + " blocks in " + db.display() + " will be dumped.", 6688);
    c.msg("This will require " + total + " bytes of backup media.", 6689);
    c.msg("This backup will require a minimum of " + (blocks + 1) + " blocks to restore.", 6699);
    OptionalLong abortAfter = faults.bytes(Faults.BACKUP_ABORT_AFTER);
    OptionalLong rate = faults.bytes(Faults.BACKUP_RATE);
    long started = System.nanoTime();
    FileChannel out;
    try {
      out =
          FileChannel.open(
              device,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING);
    } catch (NoSuchFileException e) {
      throw c.fail("** Unable to open backup device " + device + ", errno = 2.", MSG_DEVICE, 1);
    } catch (IOException e) {
      throw c.fail(
          "** Unable to open backup device " + device + ": " + e.getMessage(), MSG_DEVICE, 1);
    }
    boolean complete = false;
    boolean aborted = false;
    try (out;
        FileChannel in =
            FileChannel.open(ct.structure().dataExtent().path(), StandardOpenOption.READ)) {
      CRC32C crc = new CRC32C();
      ByteBuffer head = ByteBuffer.allocate(BackupFile.MAGIC.length + 4 + hb.length);
      head.put(BackupFile.MAGIC).putInt(hb.length).put(hb).flip();
      crc.update(hb);
      BackupFile.writeFully(out, head);
      long written = head.capacity();
      int chunk = BackupFile.CHUNK;
      if (rate.isPresent()) {
        chunk = (int) Math.max(4096, Math.min(chunk, rate.getAsLong() / 10));
      }
      ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
      long done = 0;
      long lastReport = started;
      while (done < h.dataLength()) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), h.dataLength() - done));
        while (buf.hasRemaining()) {
          if (in.read(buf, base.offset() + done + buf.position()) < 0) {
            throw new IOException("the data extent ended before the committed point");
          }
        }
        buf.flip();
        if (abortAfter.isPresent() && written + buf.remaining() > abortAfter.getAsLong()) {
          buf.limit((int) Math.max(0, abortAfter.getAsLong() - written));
          BackupFile.writeFully(out, buf);
          aborted = true;
          break;
        }
        buf.mark();
        crc.update(buf);
        buf.reset();
        BackupFile.writeFully(out, buf);
        done += buf.limit();
        written += buf.limit();
        if (rate.isPresent()) {
          long dueNanos = (long) (written * 1e9 / rate.getAsLong());
          long ahead = dueNanos - (System.nanoTime() - started);
          if (ahead > 0) {
            Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
          }
        }
        if (o.verbose() && System.nanoTime() - lastReport >= 1_000_000_000L) {
          lastReport = System.nanoTime();
          c.out()
              .println(
                  "Backed up "
                      + (done / h.blockSize())
                      + " of "
                      + h.blocks()
                      + " db blocks in "
                      + Dates.elapsed(lastReport - started));
        }
      }
      if (aborted) {
        out.force(false);
        DbLog.write(db, "BACKUP", "Backup aborted after " + written + " bytes.", MSG_ABORTED);
        throw c.fail(
            "** Backup to "
                + device
                + " was aborted after "
                + written
                + " bytes; the file is"
                + " not a valid backup.",
            MSG_ABORTED,
            1);
      }
      ByteBuffer trailer = ByteBuffer.allocate(BackupFile.TRAILER);
      trailer.put(BackupFile.END).putLong(h.dataLength()).putLong(crc.getValue()).flip();
      BackupFile.writeFully(out, trailer);
      out.force(false);
      complete = true;
    } finally {
      if (!complete && !aborted) {
        Files.deleteIfExists(device);
      }
    }
    c.msg(
        "Backed up " + blocks + " db blocks in " + Dates.elapsed(System.nanoTime() - started),
        5431);
    recordBackup(db, h, cp);
    c.msg("Backup complete.", 3740);
  }

  /** Remembers the last full backup in the control area, as OpenEdge does. */
  private static void recordBackup(DbPath db, BackupHeader h, Control.Checkpoint cp)
      throws IOException {
    Control fresh = Control.load(db);
    fresh.set(h.incremental() ? "lastIncrementalBackup" : "lastFullBackup", h.date());
    fresh.set("lastBackupOffset", Long.toString(cp.offset()));
    fresh.set("lastBackupPosition", Long.toString(h.position()));
    fresh.save(db);
  }
}

package dev.baton.sim;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The simulator-only client (no OpenEdge counterpart): {@code oesim write db KEY VALUE}, {@code
 * oesim load db --bytes N [--record-size N]}, {@code oesim writer db --log FILE [--rate N/s]
 * [--count N]}, {@code oesim digest db [--upto POSITION]}. A served database is written through its
 * broker; an unserved one directly, single-user. A replication target refuses writes.
 */
final class Oesim {
  private final Console c;

  Oesim(Console c) {
    this.c = c;
  }

  int run(String[] args) throws Exception {
    if (args.length < 2) {
      throw c.usage(
          "oesim",
          "usage: oesim write|load|writer|digest <db> ...  (baton OpenEdge simulator client)");
    }
    DbPath db = Db.existing(c, args[1]);
    return switch (args[0]) {
      case "write" -> write(db, args);
      case "load" -> load(db, args);
      case "writer" -> writer(db, args);
      case "digest" -> digest(db, args);
      case "missing" -> missing(db, args);
      default -> throw c.usage("oesim", "unknown command " + args[0]);
    };
  }

  private String opt(String[] args, String name, String dflt) {
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals(name)) {
        if (i + 1 >= args.length) {
          throw c.usage("oesim", name + " needs a value");
        }
        return args[i + 1];
      }
    }
    return dflt;
  }

  /** Where records go: the broker of a served db, or the log itself, opened single-user. */
  interface Sink extends AutoCloseable {
    long write(List<ChangeLog.Rec> recs) throws Exception;

    @Override
    void close() throws IOException;
  }

  private Sink open(DbPath db) throws IOException {
    Optional<LockFile> lk = Db.broker(db);
    if (lk.isPresent()) {
      BrokerClient bc = new BrokerClient(lk.get().port());
      return new Sink() {
        @Override
        public long write(List<ChangeLog.Rec> recs) throws Exception {
          try {
            return bc.write(recs);
          } catch (BrokerClient.Refused e) {
            throw c.fail(e.getMessage(), e.number, 1);
          } catch (IOException e) {
            throw c.fail(
                "** Lost the connection to the server of database " + db.display() + ".",
                Db.MSG_NO_SERVER,
                1);
          }
        }

        @Override
        public void close() throws IOException {
          bc.close();
        }
      };
    }
    Db.Session session = Db.singleUser(c, db);
    try {
      Control ct = Control.load(db);
      if (ct.role() == Control.Role.TARGET) {
        throw c.fail(Broker.targetReadOnly(db), Broker.MSG_TARGET_READ_ONLY, 1);
      }
      ChangeLog log = ChangeLog.open(ct.structure().dataExtent().path(), ct.checkpoint(), true);
      return new DirectSink(db, log, session);
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /**
   * Writes straight into the log of an unserved database. A writer is usually stopped by a signal,
   * so closing also runs from a shutdown hook: the checkpoint is saved and the single-user lock
   * removed instead of being left stale.
   */
  private static final class DirectSink implements Sink {
    private final DbPath db;
    private final ChangeLog log;
    private final Db.Session session;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread hook;

    DirectSink(DbPath db, ChangeLog log, Db.Session session) {
      this.db = db;
      this.log = log;
      this.session = session;
      this.hook = new Thread(this::closeQuietly, "oesim-close");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public long write(List<ChangeLog.Rec> recs) throws IOException {
      return log.append(recs).position();
    }

    private void closeQuietly() {
      try {
        close();
      } catch (IOException e) {
        System.err.println("oesim: " + e.getMessage());
      }
    }

    @Override
    public void close() throws IOException {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: this is the hook itself
      }
      try {
        synchronized (log) {
          log.force();
          Control fresh = Control.load(db);
          fresh.checkpoint(log.committed());
          fresh.save(db);
          log.close();
        }
      } finally {
        session.close();
      }
    }
  }

  private int write(DbPath db, String[] args) throws Exception {
    if (args.length != 4) {
      throw c.usage("oesim", "usage: oesim write <db> KEY VALUE");
    }
    try (Sink s = open(db)) {
      long p = s.write(List.of(ChangeLog.Rec.of(args[2], args[3])));
      c.out().println("committed position=" + p);
    }
    return 0;
  }

  private int load(DbPath db, String[] args) throws Exception {
    long bytes = Faults.parseSize(opt(args, "--bytes", "0"));
    int recordSize = (int) Faults.parseSize(opt(args, "--record-size", "4096"));
    if (bytes <= 0 || recordSize <= 0 || recordSize > ChangeLog.MAX_VALUE) {
      throw c.usage("oesim", "usage: oesim load <db> --bytes N [--record-size N]");
    }
    String run = UUID.randomUUID().toString().substring(0, 8);
    SplittableRandom rnd = new SplittableRandom();
    long loaded = 0;
    long n = 0;
    long position = 0;
    try (Sink s = open(db)) {
      while (loaded < bytes) {
        List<ChangeLog.Rec> batch = new ArrayList<>();
        long batchBytes = 0;
        while (loaded < bytes && batchBytes < (256 << 10)) {
          byte[] key = String.format("load-%s-%012d", run, n++).getBytes(StandardCharsets.UTF_8);
          int vlen =
              (int)
                  Math.max(1, Math.min(recordSize, bytes - loaded - ChangeLog.HEADER - key.length));
          byte[] value = new byte[vlen];
          fill(rnd, value);
          batch.add(new ChangeLog.Rec(key, value));
          long entry = ChangeLog.HEADER + key.length + vlen;
          loaded += entry;
          batchBytes += entry;
        }
        position = s.write(batch);
      }
    }
    c.out().println("loaded records=" + n + " bytes=" + loaded + " position=" + position);
    return 0;
  }

  private static void fill(SplittableRandom rnd, byte[] b) {
    int i = 0;
    for (; i + 8 <= b.length; i += 8) {
      long v = rnd.nextLong();
      for (int k = 0; k < 8; k++) {
        b[i + k] = (byte) (v >>> (8 * k));
      }
    }
    for (; i < b.length; i++) {
      b[i] = (byte) rnd.nextInt();
    }
  }

  private int writer(DbPath db, String[] args) throws Exception {
    String logArg = opt(args, "--log", null);
    if (logArg == null) {
      throw c.usage("oesim", "usage: oesim writer <db> --log FILE [--rate N/s] [--count N]");
    }
    Path logFile = c.cwd().resolve(logArg);
    String rateText = opt(args, "--rate", "0");
    double rate = Double.parseDouble(rateText.replace("/s", ""));
    long count = Long.parseLong(opt(args, "--count", "0"));
    String run = UUID.randomUUID().toString().substring(0, 8);
    long started = System.nanoTime();
    try (Sink s = open(db);
        Writer w =
            Files.newBufferedWriter(
                logFile,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
      for (long i = 1; count == 0 || i <= count; i++) {
        String key = String.format("writer-%s-%012d", run, i);
        long p = s.write(List.of(ChangeLog.Rec.of(key, "value of " + key)));
        // Written only after the commit, so every key in the file is committed.
        w.write(key + " " + p + "\n");
        w.flush();
        if (rate > 0) {
          long due = (long) (i * 1e9 / rate);
          long ahead = due - (System.nanoTime() - started);
          if (ahead > 0) {
            Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
          }
        }
      }
    }
    return 0;
  }

  private int digest(DbPath db, String[] args) throws IOException {
    String upto = opt(args, "--upto", null);
    Control ct = Control.load(db);
    Control.Checkpoint committed = committed(c, db, ct);
    try (FileChannel ch =
        FileChannel.open(ct.structure().dataExtent().path(), StandardOpenOption.READ)) {
      ChangeLog.Digest d;
      try {
        d = ChangeLog.digest(ch, committed, upto == null ? null : Long.parseLong(upto));
      } catch (IllegalArgumentException e) {
        throw c.usage("oesim", e.getMessage());
      }
      c.out().println(d.line());
    }
    return 0;
  }

  /**
   * {@code oesim missing db --log FILE}: checks that every key a writer logged is committed in the
   * database (on a replication target or new source: that nothing committed was lost). Prints
   * {@code checked=N missing=M} and the first missing keys; exit 1 if any is missing.
   */
  private int missing(DbPath db, String[] args) throws IOException {
    String logArg = opt(args, "--log", null);
    if (logArg == null) {
      throw c.usage("oesim", "usage: oesim missing <db> --log FILE");
    }
    java.util.Set<String> keys = new java.util.HashSet<>();
    Control ct = Control.load(db);
    Control.Checkpoint committed = committed(c, db, ct);
    try (FileChannel ch =
        FileChannel.open(ct.structure().dataExtent().path(), StandardOpenOption.READ)) {
      ChangeLog.scan(
          ch,
          new Control.Checkpoint(0, 0),
          committed.position(),
          (p, key, vo, vl, e) -> keys.add(new String(key, StandardCharsets.UTF_8)));
    }
    long checked = 0;
    List<String> absent = new ArrayList<>();
    for (String line : Files.readAllLines(c.cwd().resolve(logArg), StandardCharsets.UTF_8)) {
      String[] f = line.trim().split("\\s+");
      if (f[0].isEmpty()) {
        continue;
      }
      checked++;
      if (!keys.contains(f[0])) {
        absent.add(f[0]);
      }
    }
    c.out().println("checked=" + checked + " missing=" + absent.size());
    absent.stream().limit(10).forEach(k -> c.out().println("missing " + k));
    return absent.isEmpty() ? 0 : 1;
  }

  /** The committed point: from the live broker if served, else from the files. */
  static Control.Checkpoint committed(Console c, DbPath db, Control ct) throws IOException {
    Optional<LockFile> lk = Db.broker(db);
    if (lk.isPresent()) {
      try (BrokerClient bc = new BrokerClient(lk.get().port())) {
        Properties p = bc.status();
        return new Control.Checkpoint(
            Long.parseLong(p.getProperty("offset")), Long.parseLong(p.getProperty("position")));
      } catch (BrokerClient.Refused e) {
        throw c.fail(e.getMessage(), e.number, 1);
      }
    }
    return committedOffline(ct);
  }

  static Control.Checkpoint committedOffline(Control ct) throws IOException {
    try (ChangeLog log =
        ChangeLog.open(ct.structure().dataExtent().path(), ct.checkpoint(), false)) {
      return log.committed();
    }
  }
}

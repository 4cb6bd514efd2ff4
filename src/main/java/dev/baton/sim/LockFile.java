package dev.baton.sim;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code <db>.lk}: present while a database is open, saying who holds it (mode, host, pid) and, for
 * a broker, its port. Like the real one, its mere presence makes the database look in use; the
 * simulator additionally knows whether the holder is still alive (see {@link #live()}).
 */
record LockFile(Mode mode, State state, String host, long pid, int port, String service) {

  enum Mode {
    MULTI_USER,
    SINGLE_USER
  }

  enum State {
    STARTING,
    RUNNING
  }

  static Optional<LockFile> read(DbPath db) {
    String text;
    try {
      text = Files.readString(db.lock(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // Unreadable but present: treat as held by an unknown multi-user process.
      return Optional.of(new LockFile(Mode.MULTI_USER, State.RUNNING, "?", -1, 0, ""));
    }
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
      return Optional.of(
          new LockFile(
              Mode.valueOf(p.getProperty("mode", "MULTI_USER")),
              State.valueOf(p.getProperty("state", "RUNNING")),
              p.getProperty("host", "?"),
              Long.parseLong(p.getProperty("pid", "-1")),
              Integer.parseInt(p.getProperty("port", "0")),
              p.getProperty("service", "")));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.of(new LockFile(Mode.MULTI_USER, State.RUNNING, "?", -1, 0, ""));
    }
  }

  /** Creates the lock; fails with FileAlreadyExistsException if someone holds the db. */
  static LockFile create(DbPath db, LockFile lk) throws IOException {
    Files.writeString(db.lock(), lk.text(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
    return lk;
  }

  /** Replaces the content of a lock this process already holds. */
  static void rewrite(DbPath db, LockFile lk) throws IOException {
    Path tmp = db.dir().resolve(db.name() + ".lk.tmp");
    Files.writeString(tmp, lk.text(), StandardCharsets.UTF_8);
    Files.move(tmp, db.lock(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static void remove(DbPath db) {
    try {
      Files.deleteIfExists(db.lock());
    } catch (IOException e) {
      System.err.println("warning: cannot remove " + db.lock() + ": " + e.getMessage());
    }
  }

  static LockFile mine(Mode mode, State state, int port, String service) {
    return new LockFile(mode, state, hostName(), ProcessHandle.current().pid(), port, service);
  }

  /**
   * The kernel's host name where Linux exposes it: InetAddress.getLocalHost() may wait for a
   * resolver, which every utility start would pay.
   */
  static String hostName() {
    try {
      Path proc = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(proc)) {
        return Files.readString(proc, StandardCharsets.UTF_8).strip();
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /**
   * Whether the holder still runs. A lock written on another host (a shared mount) cannot be
   * checked and counts as live, as it does for OpenEdge.
   */
  boolean live() {
    if (!host.equals(hostName()) || pid < 0) {
      return true;
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private String text() {
    return "mode="
        + mode
        + "\nstate="
        + state
        + "\nhost="
        + host
        + "\npid="
        + pid
        + "\nport="
        + port
        + "\nservice="
        + service
        + "\n";
  }

  static boolean tryCreate(DbPath db, LockFile lk) throws IOException {
    try {
      create(db, lk);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }
}

package dev.baton.sim;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code proshut db -by} (batch shutdown) and {@code -byF} (emergency: the broker is killed). A
 * stale lock file whose broker is gone is removed, with a message saying so.
 */
final class Proshut {
  static final int MSG_SHUTDOWN_EXECUTING = 1613;
  static final int MSG_SHUTDOWN_COMPLETE = 1614;
  static final int MSG_STALE_REMOVED = 1620;
  private final Console c;

  Proshut(Console c) {
    this.c = c;
  }

  int run(String[] args) throws IOException, InterruptedException {
    String name = null;
    boolean batch = false;
    boolean emergency = false;
    for (String a : args) {
      switch (a) {
        case "-by", "-bn" -> batch = true;
        case "-byF" -> emergency = true;
        default -> {
          if (a.startsWith("-")) {
            throw c.usage("proshut", "unsupported option " + a + " (the menu is not simulated)");
          }
          name = a;
        }
      }
    }
    if (name == null || !(batch || emergency)) {
      throw c.usage("proshut", "usage: proshut <db> -by | -byF");
    }
    DbPath db = Db.existing(c, name);
    Optional<LockFile> lk = LockFile.read(db);
    if (lk.isEmpty()) {
      throw c.fail("** There is no server for database " + db.display() + ".", Db.MSG_NO_SERVER, 1);
    }
    LockFile l = lk.get();
    if (l.mode() == LockFile.Mode.SINGLE_USER && l.live()) {
      throw c.fail(Db.inUseText(db, l.mode()), Db.MSG_SINGLE_USER, 1);
    }
    if (!l.live()) {
      LockFile.remove(db);
      c.msg(
          "Removed the lock file of " + db.display() + ": process " + l.pid() + " is not running.",
          MSG_STALE_REMOVED);
      return 0;
    }
    c.msg("Shutdown is executing.", MSG_SHUTDOWN_EXECUTING);
    Optional<ProcessHandle> ph = ProcessHandle.of(l.pid());
    if (emergency) {
      ph.ifPresent(ProcessHandle::destroyForcibly);
      waitGone(ph);
      LockFile.remove(db);
      DbLog.write(db, "PROSHUT", "Emergency shutdown (-byF).", 1614);
      Control ct = Control.load(db);
      if (ct.role() == Control.Role.TARGET) {
        // The agent's state dies with the broker: the target cannot resume replication [doc].
        ct.set("replBroken", "true").save(db);
        ReplWire.log(
            db,
            "agent",
            "Emergency shutdown of a replication target: replication is broken; a new seed is"
                + " needed.",
            ReplWire.MSG_NEW_SEED_NEEDED);
      }
    } else {
      try (BrokerClient bc = new BrokerClient(l.port())) {
        bc.shutdown();
      } catch (BrokerClient.Refused e) {
        throw c.fail(e.getMessage(), e.number, 1);
      } catch (IOException e) {
        // The broker closed the connection while exiting: that is the expected end.
      }
      if (!waitGone(ph)) {
        throw c.fail(
            "** The broker of " + db.display() + " (pid " + l.pid() + ") did not stop.",
            Proserve.MSG_BROKER_FAILED,
            1);
      }
    }
    c.msg("Shutdown complete.", MSG_SHUTDOWN_COMPLETE);
    return 0;
  }

  private static boolean waitGone(Optional<ProcessHandle> ph) throws InterruptedException {
    if (ph.isEmpty()) {
      return true;
    }
    try {
      ph.get().onExit().get(60, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return !ph.get().isAlive();
    }
  }
}

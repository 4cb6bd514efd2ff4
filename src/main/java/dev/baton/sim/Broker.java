package dev.baton.sim;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The long-lived database server started by proserve: holds {@code <db>.lk}, writes {@code
 * <db>.lg}, listens on the -S port, commits client writes to the record log, hands online backups a
 * committed point, and hosts the replication service chosen by -DBService.
 */
final class Broker {
  static final int MSG_TARGET_READ_ONLY = 10386;
  static final int MSG_ONE_ONLINE_BACKUP = 1550;

  private final DbPath db;
  private final int port;
  private final Control control;
  private final ChangeLog log;
  private volatile ServerSocket server;

  /** Set while the broker is down between the shutdown and restart of an offline transition. */
  private final Object restartLock = new Object();

  private boolean restarting;
  private final Object controlLock = new Object();
  private final Object quietLock = new Object();

  /** Writes hold the read side; a transition takes the write side so no commit slips past it. */
  private final ReentrantReadWriteLock writeGate = new ReentrantReadWriteLock(true);

  private volatile String service;
  private volatile Control.Role role;
  private volatile ReplicationService replication;
  private volatile boolean quiet;
  private final AtomicBoolean backupRunning = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch stopDone = new CountDownLatch(1);

  /** Guards the after-image extents; writers waiting in an AI stall wait on it. */
  private final Object aiLock = new Object();

  private final AfterImage ai;
  private volatile boolean aiStalled;

  private Broker(DbPath db, int port, String service) throws IOException {
    this.db = db;
    this.port = port;
    this.service = service;
    this.control = Control.load(db);
    this.role = control.role();
    Path data = control.structure().dataExtent().path();
    this.log = ChangeLog.open(data, control.checkpoint(), true);
    this.replication = ReplicationService.Idle.of(role);
    this.ai = AfterImage.of(control);
    ServerSocket ss = new ServerSocket();
    try {
      ss.setReuseAddress(true);
      ss.bind(new InetSocketAddress(port), 64);
    } catch (IOException e) {
      ss.close();
      log.close();
      throw e;
    }
    this.server = ss;
  }

  /** What proserve started the broker with (logged after 333, sent to a replication agent). */
  private StartupParams params = StartupParams.of(java.util.Map.of());

  /** argv: db path, port, service ("" for none). Runs until shut down. */
  static int main(String[] args) {
    DbPath db = DbPath.of(Path.of("").toAbsolutePath(), args[0]);
    int port = Integer.parseInt(args[1]);
    String service = args.length > 2 ? args[2] : "";
    StartupParams params = StartupParams.decode(args.length > 3 ? args[3] : "");
    Broker b;
    try {
      b = new Broker(db, port, service);
      b.params = params;
    } catch (IOException e) {
      DbLog.write(
          db, "BROKER", "Unable to start the broker on port " + port + ": " + e.getMessage(), 1432);
      return 1;
    }
    return b.serve();
  }

  private int serve() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "broker-shutdown"));
    try {
      LockFile.rewrite(
          db, LockFile.mine(LockFile.Mode.MULTI_USER, LockFile.State.RUNNING, port, service));
    } catch (IOException e) {
      DbLog.write(db, "BROKER", "Unable to update " + db.lock() + ": " + e.getMessage(), 1432);
      stop();
      return 1;
    }
    logSessionBegin();
    DbLog.write(
        db,
        "BROKER",
        "Started for "
            + port
            + " using TCP IPV4 address 0.0.0.0, pid "
            + ProcessHandle.current().pid()
            + ".",
        5644);
    if (!service.isEmpty()) {
      DbLog.write(db, "BROKER", "Database service " + service + " started.", 10842);
    }
    replication = startService(role, service);
    while (!stopped.get()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (awaitRestarted()) {
          continue;
        }
        break;
      }
      Thread t = new Thread(() -> handle(s), "client-" + s.getPort());
      t.setDaemon(true);
      t.start();
    }
    stop();
    return 0;
  }

  /** What a broker logs as it opens the database: 333, its startup parameters, 10471. */
  private void logSessionBegin() {
    DbLog.write(db, "BROKER", "Multi-user session begin.", 333);
    params.log(db);
    DbLog.write(db, "BROKER", "Database connections have been enabled.", 10471);
  }

  /** After the socket closed: true once a transition's restart has opened a new one. */
  private boolean awaitRestarted() {
    synchronized (restartLock) {
      while (restarting && !stopped.get()) {
        try {
          restartLock.wait(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return !stopped.get() && !server.isClosed();
  }

  /**
   * What follows a role swap [doc: "DSRUTIL transition failover qualifier", "Automatic restart and
   * online failover transition"]: with online transition (12.2 and later, online-transition=1) the
   * broker stays up, unless restart-after-transition=0, which shuts the database down; before 12.2
   * or with online-transition=0 the broker shuts down and, with restart-after-transition=1, starts
   * again in its new role after a pause ({@code OESIM_TRANSITION_RESTART_SECONDS}, default 3
   * [sim]); with 0 it stays down. Runs on its own thread: the swap's answer goes out first.
   */
  private void afterTransition(String side) {
    boolean online;
    boolean restart;
    try {
      ReplProperties p = ReplProperties.read(db);
      online = p.onlineTransition(Release.current());
      restart = p.restartAfterTransition();
    } catch (ReplProperties.Invalid e) {
      online = true;
      restart = true;
    }
    if (online && restart) {
      return;
    }
    boolean comeBack = !online && restart;
    Thread t =
        new Thread(
            () -> {
              if (!comeBack) {
                DbLog.write(
                    db,
                    "BROKER",
                    "Transition complete ("
                        + side
                        + "): restart-after-transition=0, the database shuts down.",
                    334);
                stop();
                System.exit(0);
              }
              restartForTransition(side);
            },
            "transition-restart");
    t.start();
  }

  private void restartForTransition(String side) {
    synchronized (restartLock) {
      restarting = true;
    }
    DbLog.write(
        db,
        "BROKER",
        "Transition ("
            + side
            + ", brokers offline): shutting down to restart as "
            + role.name().toLowerCase()
            + ".",
        334);
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    LockFile.remove(db);
    long pause = 3;
    try {
      pause = Long.parseLong(System.getenv().getOrDefault("OESIM_TRANSITION_RESTART_SECONDS", "3"));
    } catch (NumberFormatException e) {
      // the default
    }
    try {
      Thread.sleep(pause * 1000);
      ServerSocket ss = new ServerSocket();
      ss.setReuseAddress(true);
      ss.bind(new InetSocketAddress(port), 64);
      server = ss;
      LockFile.rewrite(
          db, LockFile.mine(LockFile.Mode.MULTI_USER, LockFile.State.RUNNING, port, service));
      logSessionBegin();
      if (role == Control.Role.SOURCE && !(replication instanceof ReplServer)) {
        replication = new ReplServer(host).start();
      }
    } catch (IOException | InterruptedException e) {
      DbLog.write(db, "BROKER", "Restart after the transition failed: " + e.getMessage(), 1432);
      synchronized (restartLock) {
        restarting = false;
        restartLock.notifyAll();
      }
      stop();
      System.exit(1);
    }
    synchronized (restartLock) {
      restarting = false;
      restartLock.notifyAll();
    }
  }

  private void handle(Socket s) {
    boolean holdsBackup = false;
    try (s) {
      s.setTcpNoDelay(true);
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
      while (true) {
        int op;
        try {
          op = in.readByte();
        } catch (EOFException e) {
          return;
        }
        switch (op) {
          case BrokerClient.WRITE -> write(in, out);
          case BrokerClient.BACKUP -> {
            if (holdsBackup || !backupRunning.compareAndSet(false, true)) {
              refuse(out, MSG_ONE_ONLINE_BACKUP, "Only one online backup may run at a time.");
            } else {
              Control.Checkpoint cp = log.committed();
              String full = switchForBackup(cp);
              if (full != null) {
                backupRunning.set(false);
                refuse(out, AfterImage.MSG_CANNOT_SWITCH, full);
                out.flush();
                continue;
              }
              holdsBackup = true;
              moveBaselineIfUnsynced(
                  cp.position(), ReplWire.MSG_SYNC_BROKEN_BACKUP, "online backup");
              out.writeByte(0);
              out.writeLong(cp.offset());
              out.writeLong(cp.position());
              DbLog.write(db, "BACKUP", "Online backup started at position " + cp.position(), 5431);
            }
          }
          case BrokerClient.BACKUP_END -> {
            if (holdsBackup) {
              holdsBackup = false;
              backupRunning.set(false);
              DbLog.write(db, "BACKUP", "Backup complete.", 3740);
            }
            out.writeByte(0);
          }
          case ReplWire.OP -> {
            if (!in.readUTF().equals(ReplWire.MAGIC)) {
              refuse(out, 1432, "Unknown replication protocol.");
              out.flush();
              return;
            }
            replication.accept(s, in, out);
            return;
          }
          case BrokerClient.CONTROL -> {
            String cmd = in.readUTF();
            try {
              String done = control(cmd);
              out.writeByte(0);
              out.writeInt(ReplWire.MSG_CONTROL_DONE);
              out.writeUTF(done);
            } catch (BrokerClient.Refused r) {
              refuse(out, r.number, r.getMessage());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
          case BrokerClient.STATUS -> {
            out.writeByte(0);
            out.writeUTF(status());
          }
          case BrokerClient.SHUTDOWN -> {
            out.writeByte(0);
            out.flush();
            stop();
            System.exit(0);
          }
          default -> {
            refuse(out, 1432, "Unknown request " + op + " to the broker.");
            return;
          }
        }
        out.flush();
      }
    } catch (IOException e) {
      // The client went away; its backup slot (if any) is released below.
    } finally {
      if (holdsBackup) {
        backupRunning.set(false);
        DbLog.write(db, "BACKUP", "Online backup ended without completing.", 5431);
      }
    }
  }

  private void write(DataInputStream in, DataOutputStream out) throws IOException {
    int n = in.readInt();
    List<ChangeLog.Rec> recs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] k = new byte[in.readInt()];
      in.readFully(k);
      byte[] v = new byte[in.readInt()];
      in.readFully(v);
      recs.add(new ChangeLog.Rec(k, v));
    }
    try {
      awaitNotQuiet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    Control.Checkpoint cp;
    // The gate before aiLock, never after: a transition holds the gate while the ack reader takes
    // aiLock to unlock extents, so a writer holding aiLock while it queued for the gate stalled
    // every ack and the transition timed out (seen in CI, SimReplicationTest).
    writeGate.readLock().lock();
    try {
      synchronized (aiLock) {
        if (role == Control.Role.TARGET) {
          refuse(out, MSG_TARGET_READ_ONLY, targetReadOnly(db));
          return;
        }
        String shutDown = roomForNotes(recs);
        if (shutDown != null) {
          refuse(out, AfterImage.MSG_CANNOT_SWITCH, shutDown);
          return;
        }
        try {
          cp = log.append(recs);
        } catch (IllegalArgumentException e) {
          refuse(out, 1432, e.getMessage());
          return;
        }
      }
    } finally {
      writeGate.readLock().unlock();
    }
    replication.committed(cp);
    out.writeByte(0);
    out.writeLong(cp.position());
  }

  /**
   * Makes room in the after-image extents for a write's notes (caller holds aiLock): switches when
   * the BUSY extent is full; with no EMPTY extent to switch to, waits under -aistall until the
   * targets have applied a LOCKED one, else shuts the database down [doc: KB P124750]. Returns the
   * refusal for the writer when the database shuts down, else null.
   */
  private String roomForNotes(List<ChangeLog.Rec> recs) throws IOException {
    long bytes = 0;
    for (ChangeLog.Rec r : recs) {
      bytes += ChangeLog.HEADER + r.key().length + r.value().length;
    }
    while (ai.mustSwitch(log.offset(), bytes)) {
      Control.Checkpoint cp = log.committed();
      java.util.Map<String, String> keys =
          ai.switchAt(cp.offset(), cp.position(), role == Control.Role.SOURCE);
      if (keys != null) {
        persistAll(keys);
        logSwitch();
        break;
      }
      String full = ai.cannotSwitch();
      if (!params.aiStall()) {
        DbLog.write(db, "AIMGT", full, AfterImage.MSG_CANNOT_SWITCH);
        DbLog.write(
            db, "AIMGT", "Backup ai extent and mark it as empty.", AfterImage.MSG_BACKUP_AND_EMPTY);
        Thread t =
            new Thread(
                () -> {
                  stop();
                  System.exit(2);
                },
                "ai-full-shutdown");
        t.start();
        return "** " + full + " The database is shutting down.";
      }
      if (!aiStalled) {
        aiStalled = true;
        DbLog.write(db, "AIMGT", full, AfterImage.MSG_CANNOT_SWITCH);
        DbLog.write(
            db,
            "AIMGT",
            "Database stalled (-aistall) until an after-image extent is emptied.",
            AfterImage.MSG_BACKUP_AND_EMPTY);
      }
      try {
        aiLock.wait(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
      if (stopped.get()) {
        return "** The database is shutting down.";
      }
    }
    aiStalled = false;
    return null;
  }

  /**
   * An online backup switches after-image extents as part of its processing [doc]; with no EMPTY
   * extent the backup is refused (3775) [sim]. Returns the refusal, or null.
   */
  private String switchForBackup(Control.Checkpoint cp) {
    synchronized (aiLock) {
      if (!ai.enabled()) {
        return null;
      }
      java.util.Map<String, String> keys =
          ai.switchAt(cp.offset(), cp.position(), role == Control.Role.SOURCE);
      if (keys == null) {
        String full = ai.cannotSwitch();
        DbLog.write(db, "BACKUP", full, AfterImage.MSG_CANNOT_SWITCH);
        return "** " + full + " The online backup needs an EMPTY after-image extent.";
      }
      persistAll(keys);
      logSwitch();
      return null;
    }
  }

  private void logSwitch() {
    AfterImage.Ext now =
        ai.extents().stream()
            .filter(e -> e.state() == AfterImage.State.BUSY)
            .findFirst()
            .orElseThrow();
    DbLog.write(
        db, "AIMGT", "Switched to ai extent " + now.extent().path() + ".", AfterImage.MSG_SWITCHED);
    DbLog.write(
        db,
        "AIMGT",
        "This is after-image file number " + now.seq() + " since the last AIMAGE BEGIN.",
        AfterImage.MSG_FILE_NUMBER);
  }

  /** Every target has applied the notes up to {@code position}: LOCKED extents before it empty. */
  private void replicated(long position) {
    synchronized (aiLock) {
      java.util.Map<String, String> keys = new java.util.LinkedHashMap<>();
      List<AfterImage.Ext> emptied = ai.replicatedThrough(position, keys);
      if (emptied.isEmpty()) {
        return;
      }
      persistAll(keys);
      ReplWire.log(
          db,
          "server",
          "Unlocking after-image file "
              + emptied.get(emptied.size() - 1).seq()
              + ": every note in it has been applied by the target.",
          AfterImage.MSG_UNLOCKING);
      for (AfterImage.Ext e : emptied) {
        DbLog.write(
            db,
            "AIMGT",
            "Marked after-image extent " + e.extent().path() + " EMPTY.",
            AfterImage.MSG_EMPTIED);
      }
      aiLock.notifyAll();
    }
  }

  private void awaitNotQuiet() throws InterruptedException {
    synchronized (quietLock) {
      while (quiet) {
        quietLock.wait();
      }
    }
  }

  /**
   * An online backup or a quiet point on a source whose targets are not all in sync: the
   * after-image history before this point is no longer available to synchronize a target seeded
   * earlier that never reached normal processing (10440 / 11696 when it connects) [sim].
   */
  private void moveBaselineIfUnsynced(long position, int reason, String what) {
    if (role != Control.Role.SOURCE || replication.inSync()) {
      return;
    }
    persist("replBaseline", Long.toString(position));
    persist("replBaselineReason", Integer.toString(reason));
    ReplWire.log(
        db,
        "server",
        what
            + " at position "
            + position
            + " while no target is in normal processing: a target seeded before it needs a new"
            + " seed.",
        reason);
  }

  private ReplicationService startService(Control.Role r, String svc) {
    if (r == Control.Role.SOURCE && svc.equals("replserv")) {
      return new ReplServer(host).start();
    }
    if (r == Control.Role.TARGET && svc.equals("replagent")) {
      return new ReplAgent(host);
    }
    return ReplicationService.Idle.of(r);
  }

  /** dsrutil's requests: restart/terminate server|agent, transition failover, quiet points. */
  private String control(String cmd) throws BrokerClient.Refused, InterruptedException {
    synchronized (controlLock) {
      return switch (cmd) {
        case "restart server" -> restartServer();
        case "terminate server" -> {
          needRole(Control.Role.SOURCE, "terminate server");
          if (replication instanceof ReplServer rs && rs.running()) {
            rs.close();
            yield "The replication server of " + db.display() + " was terminated.";
          }
          yield "The replication server of " + db.display() + " is not running.";
        }
        case "restart agent" -> restartAgent();
        case "terminate agent" -> {
          needRole(Control.Role.TARGET, "terminate agent");
          if (replication instanceof ReplAgent ra && ra.running()) {
            ra.terminate();
            yield "The replication agent of " + db.display() + " was terminated.";
          }
          yield "The replication agent of " + db.display() + " is not running.";
        }
        case "transition failover" -> failover();
        case "quiet enable" -> {
          synchronized (quietLock) {
            quiet = true;
          }
          moveBaselineIfUnsynced(log.position(), ReplWire.MSG_SYNC_BROKEN_QUIET, "quiet point");
          DbLog.write(db, "QUIET", "Quiet point enabled.", ReplWire.MSG_QUIET);
          yield "Quiet point request for database " + db.display() + " is complete.";
        }
        case "quiet disable" -> {
          synchronized (quietLock) {
            quiet = false;
            quietLock.notifyAll();
          }
          DbLog.write(db, "QUIET", "Quiet point disabled.", ReplWire.MSG_QUIET);
          yield "Quiet point disabled for database " + db.display() + ".";
        }
        default -> throw new BrokerClient.Refused(1432, "Unknown control request " + cmd + ".");
      };
    }
  }

  private void needRole(Control.Role want, String what) throws BrokerClient.Refused {
    if (role != want) {
      throw new BrokerClient.Refused(
          ReplWire.MSG_WRONG_ROLE,
          "** dsrutil -C "
              + what
              + " needs an OpenEdge Replication "
              + want.name().toLowerCase()
              + "; "
              + db.display()
              + " is "
              + (role == Control.Role.NONE ? "not enabled" : "a " + role.name().toLowerCase())
              + ".");
    }
  }

  private String restartServer() throws BrokerClient.Refused {
    needRole(Control.Role.SOURCE, "restart server");
    if (replication instanceof ReplServer rs && rs.running()) {
      throw new BrokerClient.Refused(
          ReplWire.MSG_RUNNING,
          "** The replication server of "
              + db.display()
              + " is running; terminate it first to restart it.");
    }
    replication.close();
    service = "replserv";
    rewriteLock();
    replication = new ReplServer(host).start();
    return "The replication server of " + db.display() + " was started.";
  }

  private String restartAgent() throws BrokerClient.Refused {
    needRole(Control.Role.TARGET, "restart agent");
    if (replication instanceof ReplAgent ra && ra.running()) {
      throw new BrokerClient.Refused(
          ReplWire.MSG_RUNNING,
          "** The replication agent of "
              + db.display()
              + " is running; terminate it first to restart it.");
    }
    replication.close();
    service = "replagent";
    rewriteLock();
    replication = new ReplAgent(host);
    return "The replication agent of " + db.display() + " was started.";
  }

  /**
   * {@code dsrutil <source> -C transition failover}: with client writes held, waits for the agent
   * to hold every commit, hands it the source role, and becomes a target listening on this port.
   */
  private String failover() throws BrokerClient.Refused, InterruptedException {
    needRole(Control.Role.SOURCE, "transition failover");
    ReplProperties props;
    try {
      props = ReplProperties.read(db);
    } catch (ReplProperties.Invalid e) {
      throw new BrokerClient.Refused(ReplWire.MSG_PROPERTIES, "** " + e.getMessage() + ".");
    }
    if (!props.databaseRole().equals("reverse")) {
      throw new BrokerClient.Refused(
          ReplWire.MSG_PROPERTIES,
          "** "
              + props.file()
              + ": [transition] database-role="
              + props.databaseRole()
              + "; an online failover that swaps the roles needs database-role=reverse.");
    }
    if (!(replication instanceof ReplServer rs) || !rs.inSync()) {
      throw new BrokerClient.Refused(
          ReplWire.MSG_NOT_IN_SYNC,
          "** Transition refused: the replication server of "
              + db.display()
              + " is not in normal processing (status "
              + replication.status(true)
              + ", agent "
              + replication.agentStatus(true)
              + ").");
    }
    writeGate.writeLock().lockInterruptibly();
    try {
      String why = rs.transition(30_000);
      if (why != null) {
        throw new BrokerClient.Refused(
            ReplWire.MSG_NOT_IN_SYNC,
            "** Transition failover of " + db.display() + " failed: " + why);
      }
      role = Control.Role.TARGET;
      persist("replication", "target");
      persist("replInSync", "true");
      rs.close();
      service = "replagent";
      rewriteLock();
      replication = new ReplAgent(host);
    } finally {
      writeGate.writeLock().unlock();
    }
    ReplWire.log(
        db, "server", "Transition failover complete: this database is now a target.", 10858);
    afterTransition("the old source");
    return "Transition failover of "
        + db.display()
        + " is complete: it is now an OpenEdge Replication target; its agent took over as the source.";
  }

  private void rewriteLock() {
    try {
      LockFile.rewrite(
          db, LockFile.mine(LockFile.Mode.MULTI_USER, LockFile.State.RUNNING, port, service));
    } catch (IOException e) {
      DbLog.write(db, "BROKER", "Unable to update " + db.lock() + ": " + e.getMessage(), 1432);
    }
  }

  private void persist(String key, String value) {
    synchronized (controlLock) {
      try {
        Control fresh = Control.load(db);
        fresh.set(key, value);
        fresh.save(db);
        control.set(key, value);
      } catch (IOException e) {
        DbLog.write(db, "BROKER", "Unable to update " + db.control() + ": " + e.getMessage(), 1432);
      }
    }
  }

  private void persistAll(java.util.Map<String, String> keys) {
    synchronized (controlLock) {
      try {
        Control fresh = Control.load(db);
        keys.forEach(fresh::set);
        fresh.save(db);
        keys.forEach(control::set);
      } catch (IOException e) {
        DbLog.write(db, "BROKER", "Unable to update " + db.control() + ": " + e.getMessage(), 1432);
      }
    }
  }

  /** The broker as the host of its replication service. */
  private final ReplHost host =
      new ReplHost() {
        @Override
        public DbPath db() {
          return db;
        }

        @Override
        public ChangeLog log() {
          return log;
        }

        @Override
        public String lineage() {
          return control.lineage();
        }

        @Override
        public String instance() {
          return control.get("instance", "");
        }

        @Override
        public void persist(String key, String value) {
          Broker.this.persist(key, value);
        }

        @Override
        public String persisted(String key) {
          synchronized (controlLock) {
            return control.get(key);
          }
        }

        @Override
        public StartupParams startupParams() {
          return params;
        }

        @Override
        public void replicated(long position) {
          Broker.this.replicated(position);
        }

        @Override
        public boolean aiStalled() {
          return aiStalled;
        }

        @Override
        public void becameSource() {
          Thread t = new Thread(Broker.this::becomeSource, "repl-become-source");
          t.setDaemon(true);
          t.start();
        }
      };

  /** The agent took the source role: from now on this broker serves writes and ships them. */
  private void becomeSource() {
    synchronized (controlLock) {
      role = Control.Role.SOURCE;
      persist("replication", "source");
      persist("replInSync", "true");
      replication.close();
      boolean startNow = true;
      try {
        ReplProperties p = ReplProperties.read(db);
        // Online with restart: the server starts at once; offline it starts after the restart.
        startNow = p.onlineTransition(Release.current()) && p.restartAfterTransition();
      } catch (ReplProperties.Invalid e) {
        // checked by the agent before it accepted; start nothing it cannot configure
        startNow = false;
      }
      service = "replserv";
      rewriteLock();
      replication = startNow ? new ReplServer(host).start() : ReplicationService.Idle.of(role);
      DbLog.write(
          db,
          "BROKER",
          "Transition failover: database is now an OpenEdge Replication source"
              + (startNow ? "; replication server started." : "."),
          10858);
    }
    afterTransition("the old target");
  }

  static String targetReadOnly(DbPath db) {
    return "** Database "
        + db.display()
        + " is an OpenEdge Replication target and cannot be updated.";
  }

  private static void refuse(DataOutputStream out, int number, String text) throws IOException {
    out.writeByte(1);
    out.writeInt(number);
    out.writeUTF(text);
  }

  private String status() {
    Control.Checkpoint cp = log.committed();
    ReplicationService r = replication;
    return "role="
        + role.name().toLowerCase()
        + "\nservice="
        + service
        + "\nport="
        + port
        + "\npid="
        + ProcessHandle.current().pid()
        + "\noffset="
        + cp.offset()
        + "\nposition="
        + cp.position()
        + "\nreplStatus="
        + r.status(false)
        + "\nreplDetail="
        + r.status(true)
        + "\nreplAgentStatus="
        + r.agentStatus(false)
        + "\nreplAgentDetail="
        + r.agentStatus(true)
        + "\nreplAgentPosition="
        + r.agentPosition()
        + "\nreplMessage="
        + r.lastMessage().replace("\n", " ")
        + "\nquiet="
        + quiet
        + "\nbackupRunning="
        + backupRunning.get()
        + "\naiStalled="
        + aiStalled
        + "\n";
  }

  /** Idempotent: stops accepting, checkpoints the log, logs the session end, drops the lock. */
  private void stop() {
    if (!stopped.compareAndSet(false, true)) {
      // Another thread (a shutdown request, the signal hook) is stopping: let it finish,
      // or the JVM would exit before the checkpoint and the lock removal.
      awaitStopped();
      return;
    }
    try {
      stopOnce();
    } finally {
      stopDone.countDown();
    }
  }

  private void awaitStopped() {
    try {
      stopDone.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopOnce() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    boolean inSync = replication.inSync();
    replication.shutdown();
    if (role != Control.Role.NONE) {
      persist("replSyncedAtClose", Boolean.toString(inSync));
    }
    try {
      synchronized (log) {
        log.force();
        Control fresh = Control.load(db);
        fresh.checkpoint(log.committed());
        fresh.set("lastClose", Dates.now());
        fresh.save(db);
        log.close();
      }
    } catch (IOException e) {
      DbLog.write(db, "BROKER", "Checkpoint at shutdown failed: " + e.getMessage(), 1432);
    }
    DbLog.write(db, "BROKER", "Multi-user session end.", 334);
    LockFile.remove(db);
  }
}

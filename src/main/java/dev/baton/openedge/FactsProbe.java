package dev.baton.openedge;

import dev.baton.ssh.RemoteException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads {@link DbFacts} from the host, read-only: stat of the {@code .db}, {@code proutil -C busy}
 * and {@code -C holder}, {@code proutil -C describe}, and when replication is enabled {@code
 * dsrutil -C status} with and without {@code -detail}. Once busy says the database is in use, the
 * other reads run at the same time: each is a process on the host (a JVM in the simulator), and the
 * host answers several at once about as fast as one.
 */
final class FactsProbe {
  private static final ExecutorService ALONGSIDE =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "openedge-facts");
            t.setDaemon(true);
            return t;
          });

  private final Utilities oe;
  private final HostFiles files;
  private final String host;

  FactsProbe(Utilities oe, HostFiles files, String host) {
    this.oe = oe;
    this.files = files;
    this.host = host;
  }

  /** Thrown when a utility that must answer cannot be run at all (not found, no permission). */
  static final class ProbeFailed extends Exception {
    private static final long serialVersionUID = 1L;

    ProbeFailed(String message) {
      super(message);
    }
  }

  boolean exists(DbPath db) throws RemoteException {
    return files.isFile(db.file(".db"));
  }

  DbFacts read(DbPath db, boolean withStatus) throws RemoteException, IOException, ProbeFailed {
    return read(db, true, withStatus);
  }

  /**
   * Whether the database exists and who uses it (busy, holder), without its role: what a backup
   * needs to know. Spares the source database a {@code proutil -C describe} (which opens a database
   * that is not served) and the host a process. The role in the result is empty.
   */
  DbFacts readUse(DbPath db) throws RemoteException, IOException, ProbeFailed {
    return read(db, false, false);
  }

  private DbFacts read(DbPath db, boolean withRole, boolean withStatus)
      throws RemoteException, IOException, ProbeFailed {
    List<String> problems = new ArrayList<>();
    if (!exists(db)) {
      return new DbFacts(
          db,
          false,
          -1,
          -1,
          false,
          Optional.of(ReplicationRole.NONE),
          Optional.empty(),
          Optional.empty(),
          problems);
    }
    Utilities.Run busy = oe.run(db, "proutil", db.name(), "-C", "busy");
    if (busy.rc() != 0 && busy.rc() != 6 && busy.rc() != 64) {
      throw new ProbeFailed(busy.failure(host));
    }
    boolean inUse = busy.rc() != 0;
    Read describeRead = () -> oe.run(db, "proutil", db.name(), "-C", "describe");
    Read statusRead = () -> dsrutil(db, "-C", "status");
    Read detailRead = () -> dsrutil(db, "-C", "status", "-detail");
    // In use: describe takes no lock of its own, so everything else runs at once, the status
    // reads on speculation (kept only if describe reports a replication role). Not in use:
    // describe opens the database single-user and must come after busy, and a database that
    // nobody serves has no status to read.
    Future<Utilities.Run> holder =
        inUse ? ALONGSIDE.submit(() -> oe.run(db, "proutil", db.name(), "-C", "holder")) : null;
    Future<Utilities.Run> describe = null;
    Future<Utilities.Run> plain = null;
    Future<Utilities.Run> detailed = null;
    if (withRole && inUse) {
      describe = ALONGSIDE.submit(describeRead::run);
      if (withStatus) {
        plain = ALONGSIDE.submit(statusRead::run);
        detailed = ALONGSIDE.submit(detailRead::run);
      }
    }
    int holderRc = holder == null ? -1 : join(holder).rc();
    boolean multi = busy.hasMessage(276) || holderRc == 16;
    if (!withRole) {
      return new DbFacts(
          db,
          true,
          busy.rc(),
          holderRc,
          multi,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          problems);
    }
    Optional<ReplicationRole> role = Optional.empty();
    Utilities.Run described = describe != null ? join(describe) : describeRead.run();
    try {
      role = Optional.of(ReplicationRole.fromDescribe(described.output()));
    } catch (IllegalArgumentException e) {
      problems.add(described.failure(host) + " (" + e.getMessage() + ")");
    }
    Optional<ReplicationStatus> status = Optional.empty();
    Optional<ReplicationStatus> detail = Optional.empty();
    boolean replicated = role.isPresent() && role.get() != ReplicationRole.NONE;
    if (withStatus && replicated) {
      if (plain == null) {
        detailed = ALONGSIDE.submit(detailRead::run);
        plain = CompletableFuture.completedFuture(statusRead.run());
      }
      status = parse(join(plain), problems);
      detail = parse(join(detailed), problems);
    } else if (plain != null) {
      join(plain);
      join(detailed);
    }
    return new DbFacts(db, true, busy.rc(), holderRc, multi, role, status, detail, problems);
  }

  /** One utility run of a probe: here, or alongside the others. */
  @FunctionalInterface
  private interface Read {
    Utilities.Run run() throws RemoteException;
  }

  Optional<ReplicationStatus> status(DbPath db, List<String> problems, String... args)
      throws RemoteException {
    return parse(dsrutil(db, args), problems);
  }

  private Utilities.Run dsrutil(DbPath db, String... args) throws RemoteException {
    List<String> argv = new ArrayList<>();
    argv.add(db.name());
    argv.addAll(List.of(args));
    return oe.run(db, null, "dsrutil", argv);
  }

  private Optional<ReplicationStatus> parse(Utilities.Run r, List<String> problems) {
    Optional<ReplicationStatus> s =
        r.rc() == 0 ? ReplicationStatus.parse(r.result().stdout()) : Optional.empty();
    if (s.isEmpty()) {
      problems.add(r.failure(host));
    }
    return s;
  }

  /** The result of a read started alongside, with the exceptions it would have thrown here. */
  private static Utilities.Run join(Future<Utilities.Run> f) throws RemoteException, IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading database facts");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RemoteException re) {
        throw re;
      }
      if (e.getCause() instanceof RuntimeException rt) {
        throw rt;
      }
      throw new IOException(e.getCause());
    }
  }
}

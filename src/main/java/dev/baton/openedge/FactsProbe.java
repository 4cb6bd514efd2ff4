package dev.baton.openedge;

import dev.baton.ssh.RemoteException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@link DbFacts} from the host, read-only: stat of the {@code .db}, {@code proutil -C busy}
 * and {@code -C holder}, {@code proutil -C describe}, and when replication is enabled {@code
 * dsrutil -C status} with and without {@code -detail}.
 */
final class FactsProbe {
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
    int holderRc = -1;
    boolean multi = busy.hasMessage(276);
    if (busy.rc() != 0) {
      Utilities.Run holder = oe.run(db, "proutil", db.name(), "-C", "holder");
      holderRc = holder.rc();
      multi = multi || holderRc == 16;
    }
    Optional<ReplicationRole> role = Optional.empty();
    Utilities.Run describe = oe.run(db, "proutil", db.name(), "-C", "describe");
    try {
      role = Optional.of(ReplicationRole.fromDescribe(describe.output()));
    } catch (IllegalArgumentException e) {
      problems.add(describe.failure(host) + " (" + e.getMessage() + ")");
    }
    Optional<ReplicationStatus> status = Optional.empty();
    Optional<ReplicationStatus> detail = Optional.empty();
    if (withStatus && role.isPresent() && role.get() != ReplicationRole.NONE) {
      status = status(db, problems, "-C", "status");
      detail = status(db, problems, "-C", "status", "-detail");
    }
    return new DbFacts(db, true, busy.rc(), holderRc, multi, role, status, detail, problems);
  }

  Optional<ReplicationStatus> status(DbPath db, List<String> problems, String... args)
      throws RemoteException {
    List<String> argv = new ArrayList<>();
    argv.add(db.name());
    argv.addAll(List.of(args));
    Utilities.Run r = oe.run(db, null, "dsrutil", argv);
    Optional<ReplicationStatus> s =
        r.rc() == 0 ? ReplicationStatus.parse(r.result().stdout()) : Optional.empty();
    if (s.isEmpty()) {
      problems.add(r.failure(host));
    }
    return s;
  }
}

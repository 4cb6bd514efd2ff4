package dev.baton.openedge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the utilities say about one database right now.
 *
 * @param exists the {@code .db} control area is there
 * @param busyRc exit of {@code proutil -C busy} (0 free, 6 in use, 64 starting), -1 if not run
 * @param holderRc exit of {@code proutil -C holder} (0 free, 14 single-user, 16 multi-user), -1 if
 *     not run
 * @param role replication role from describe (empty when describe could not be read)
 * @param status {@code dsrutil -C status} code, when replication is enabled and it answered
 * @param detail {@code dsrutil -C status -detail} code, likewise
 * @param problems what could not be read, one line each
 */
record DbFacts(
    DbPath db,
    boolean exists,
    int busyRc,
    int holderRc,
    boolean multiUser,
    Optional<ReplicationRole> role,
    Optional<ReplicationStatus> status,
    Optional<ReplicationStatus> detail,
    List<String> problems) {

  /** Something holds the db open (a broker, a single-user session or a utility). */
  boolean inUse() {
    return busyRc == 6 || busyRc == 64 || holderRc == 14 || holderRc == 16;
  }

  /** A broker serves the db multi-user (or is starting up). */
  boolean served() {
    return multiUser || busyRc == 64 || holderRc == 16;
  }

  String roleName() {
    return role.map(ReplicationRole::argName).orElse("unknown");
  }

  /** One line a human reads in a task's msg. */
  String summary() {
    if (!exists) {
      return db + " does not exist";
    }
    List<String> parts = new ArrayList<>();
    parts.add(served() ? "served" : inUse() ? "in use (not multi-user)" : "not served");
    parts.add("replication " + roleName());
    status.ifPresent(s -> parts.add("status " + s));
    detail.ifPresent(s -> parts.add("detail " + s));
    return db + ": " + String.join(", ", parts);
  }

  /** The data the facts module returns under {@code openedge}. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("db", db.prefix());
    m.put("exists", exists);
    m.put("in_use", inUse());
    m.put("served", served());
    m.put("busy_rc", busyRc);
    m.put("holder_rc", holderRc);
    m.put("role", roleName());
    m.put("status", status.map(DbFacts::statusMap).orElse(null));
    m.put("detail", detail.map(DbFacts::statusMap).orElse(null));
    m.put(
        "in_sync",
        detail
            .map(
                d ->
                    d.code() == ReplicationStatus.IN_SYNC_TARGET
                        || d.code() == ReplicationStatus.IN_SYNC_SOURCE)
            .orElse(false));
    m.put("role_from_status", roleFromStatus().orElse(null));
    m.put("role_agrees", roleFromStatus().map(r -> r.equals(roleName())).orElse(true));
    m.put("roles", summary());
    m.put("problems", problems);
    return m;
  }

  /**
   * The role the {@code dsrutil -C status} code implies: 1xxx a source's server, 2xxx and 3xxx a
   * target's control agent and agent [doc: "Detail or verbose return codes"]. describe's Details
   * wording is not documented, so the failback trusts a role only when both agree.
   */
  Optional<String> roleFromStatus() {
    return status.flatMap(
        s ->
            switch (s.code() / 1000) {
              case 1 -> Optional.of("source");
              case 2, 3 -> Optional.of("target");
              default -> Optional.empty();
            });
  }

  private static Map<String, Object> statusMap(ReplicationStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", s.code());
    m.put("meaning", s.meaning());
    return m;
  }
}

package dev.baton.sim;

import java.io.IOException;
import java.util.Optional;

/**
 * {@code proquiet db [-C] enable|disable}: a quiet point on a served database. While it is enabled,
 * commits wait. On a replication source whose target is not yet in sync it breaks that target's
 * synchronization (11696; a new seed is needed), as in the field [seen].
 */
final class Proquiet {
  private final Console c;

  Proquiet(Console c) {
    this.c = c;
  }

  int run(String[] args) throws IOException {
    String name = null;
    String action = null;
    for (String a : args) {
      if (a.equalsIgnoreCase("-C")) {
        continue;
      }
      if (name == null) {
        name = a;
      } else if (action == null && (a.equals("enable") || a.equals("disable"))) {
        action = a;
      } else {
        throw c.usage("proquiet", "unexpected argument " + a);
      }
    }
    if (name == null || action == null) {
      throw c.usage("proquiet", "usage: proquiet <db> -C enable|disable");
    }
    DbPath db = Db.existing(c, name);
    Optional<LockFile> broker = Db.broker(db);
    if (broker.isEmpty()) {
      throw c.fail("** There is no server for database " + db.display() + ".", Db.MSG_NO_SERVER, 1);
    }
    try (BrokerClient bc = new BrokerClient(broker.get().port())) {
      c.msg(bc.control("quiet " + action), ReplWire.MSG_QUIET);
      return 0;
    } catch (BrokerClient.Refused e) {
      throw c.fail(e.getMessage(), e.number, 1);
    }
  }
}

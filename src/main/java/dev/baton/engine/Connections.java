package dev.baton.engine;

import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One persistent connection per host for the whole run, opened on first use. A host whose
 * connection failed is not retried within the run: its failure is remembered and rethrown, so one
 * dead host costs one connect timeout, not one per task.
 */
final class Connections implements AutoCloseable {
  private final Connector connector;
  private final Function<String, Map<String, Object>> varsOf;
  private final Map<String, Object> open = new ConcurrentHashMap<>();

  Connections(Connector connector, Function<String, Map<String, Object>> varsOf) {
    this.connector = connector;
    this.varsOf = varsOf;
  }

  Remote get(String host) throws RemoteException {
    Object existing = open.get(host);
    if (existing == null) {
      synchronized (lockFor(host)) {
        existing = open.get(host);
        if (existing == null) {
          try {
            existing = connector.connect(host, varsOf.apply(host));
          } catch (RemoteException e) {
            existing = e;
          }
          open.put(host, existing);
        }
      }
    }
    if (existing instanceof RemoteException e) {
      throw new RemoteException(e.kind(), e.host(), e.getMessage(), e);
    }
    return (Remote) existing;
  }

  /** Forgets a host's connection after it died, so that a later task may reconnect. */
  void drop(String host) {
    Object gone = open.remove(host);
    if (gone instanceof Remote r) {
      r.close();
    }
  }

  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  private Object lockFor(String host) {
    return locks.computeIfAbsent(host, h -> new Object());
  }

  @Override
  public void close() {
    open.values()
        .forEach(
            o -> {
              if (o instanceof Remote r) {
                r.close();
              }
            });
    open.clear();
  }
}

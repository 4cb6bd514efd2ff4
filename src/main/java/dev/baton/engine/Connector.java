package dev.baton.engine;

import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import java.util.Map;

/** Opens the connection to one host from its resolved variables. */
@FunctionalInterface
public interface Connector {
  Remote connect(String host, Map<String, Object> vars) throws RemoteException;
}

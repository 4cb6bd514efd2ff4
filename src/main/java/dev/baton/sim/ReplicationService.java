package dev.baton.sim;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;

/**
 * The replication side of a broker, chosen from the role in the control area and {@code
 * -DBService}: a {@link ReplServer} on a source served with replserv, a {@link ReplAgent} on a
 * target served with replagent, {@link Idle} otherwise. The broker tells it about every commit,
 * asks it for the dsrutil codes, hands it replication connections arriving on the -S port, and
 * forwards dsrutil's control requests. See docs/simulator.md, "Replication".
 */
sealed interface ReplicationService extends AutoCloseable
    permits ReplServer, ReplAgent, ReplicationService.Idle {

  /** Called after each commit with the new committed point. */
  void committed(Control.Checkpoint at);

  /** The 4-digit status (prefix + class) or, with detail, the detailed code. */
  int status(boolean detail);

  /**
   * The agent's status: on a source as its server sees the agent (of the first control agent), on a
   * target its own.
   */
  default int agentStatus(boolean detail) {
    return status(detail);
  }

  /** On a source: the position its (first) agent acknowledged, -1 if none. */
  default long agentPosition() {
    return -1;
  }

  /** The last numbered message of the service, for {@code dsrutil -C monitor}. */
  default String lastMessage() {
    return "";
  }

  /** True when every agent is in normal processing (a source) or this agent is (a target). */
  default boolean inSync() {
    return false;
  }

  /**
   * A replication connection from a server arrived on the -S port (its preamble already read). Only
   * an agent takes it; others refuse.
   */
  default void accept(Socket s, DataInputStream in, DataOutputStream out) throws IOException {
    ReplWire.refuse(
        out,
        ReplWire.MSG_NOT_LISTENING,
        "The database is not served with -DBService replagent; no replication agent is listening.");
  }

  @Override
  void close();

  /** The broker shuts down normally: a server first ships what is committed and says so. */
  default void shutdown() {
    close();
  }

  /** A service that holds its state but exchanges nothing with a peer. */
  record Idle(int code, int detailCode) implements ReplicationService {
    static Idle of(Control.Role role) {
      return switch (role) {
        case SOURCE -> new Idle(1199, 6060);
        case TARGET -> new Idle(3199, 1063);
        case NONE -> new Idle(0, 0);
      };
    }

    @Override
    public void committed(Control.Checkpoint at) {}

    @Override
    public int status(boolean detail) {
      return detail ? detailCode : code;
    }

    @Override
    public void close() {}
  }
}

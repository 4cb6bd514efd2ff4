package dev.baton.sim;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * The replication agent of a target served with {@code -DBService replagent}: it listens on the
 * broker's -S port, accepts one server at a time whose database has the same lineage, applies the
 * shipped entries to the record log in order (client writes stay refused) and acknowledges them. It
 * refuses to run when the target was broken ({@code proshut -byF}, {@code replBroken} in the
 * control area) or a {@code <db>.repl.recovery} of another copy of the database lies beside it.
 */
final class ReplAgent implements ReplicationService {
  enum State {
    LISTENING,
    STARTUP,
    RECOVERY,
    NORMAL,
    FAILED,
    TERMINATED,
    TRANSITIONED
  }

  private final ReplHost host;
  private State state = State.LISTENING;
  private int failCode;
  private String lastMessage = "";
  private Socket connection;

  /** The last server ended normally (END) while this agent was in normal processing. */
  private boolean cleanEnd;

  ReplAgent(ReplHost host) {
    this.host = host;
    if ("true".equals(host.persisted("replBroken"))) {
      fail(
          1035,
          ReplWire.MSG_NEW_SEED_NEEDED,
          "Replication agent of "
              + host.db().display()
              + " cannot continue: the target was shut down with -byF or killed; a new seed"
              + " (backup of the source, restore as target) is needed.");
    } else {
      String stale = staleRecovery();
      if (stale != null) {
        fail(1035, ReplWire.MSG_STALE_RECOVERY, stale);
      } else {
        ReplWire.log(host.db(), "agent", "Replication agent listening for its server.", 2083);
      }
    }
  }

  /** A recovery file written for another copy of the database (re-seeded without deleting it). */
  private String staleRecovery() {
    Path f = host.db().file(".repl.recovery");
    Properties p = new Properties();
    try {
      p.load(new java.io.StringReader(Files.readString(f, StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return "** Cannot read " + f + ": " + e.getMessage();
    }
    String inst = p.getProperty("instance", "");
    if (inst.equals(host.instance())) {
      return null;
    }
    return "** "
        + f
        + " is stale: it belongs to another copy of the database (instance "
        + inst
        + "); delete it on both sides when re-seeding a target.";
  }

  private synchronized void fail(int code, int number, String text) {
    state = State.FAILED;
    failCode = code;
    lastMessage = text + " (" + number + ")";
    ReplWire.log(host.db(), "agent", text, number);
  }

  @Override
  public void committed(Control.Checkpoint at) {}

  @Override
  public synchronized int status(boolean detail) {
    return switch (state) {
      case LISTENING -> detail ? 2083 : 3104;
      case STARTUP -> detail ? 3048 : 3101;
      case RECOVERY -> detail ? 3050 : 3101;
      case NORMAL -> detail ? 3049 : 3101;
      case FAILED -> detail ? failCode : 3102;
      case TERMINATED -> detail ? ReplWire.MSG_AGENT_TERMINATED : 3199;
      case TRANSITIONED -> detail ? 3055 : 3105;
    };
  }

  @Override
  public synchronized String lastMessage() {
    return lastMessage;
  }

  @Override
  public synchronized boolean inSync() {
    return state == State.NORMAL || (state == State.LISTENING && cleanEnd);
  }

  synchronized boolean running() {
    return state != State.FAILED && state != State.TERMINATED;
  }

  /** {@code dsrutil -C terminate agent}: drops the server and refuses new ones. */
  synchronized void terminate() {
    state = State.TERMINATED;
    lastMessage = "Replication agent terminated. (" + ReplWire.MSG_AGENT_TERMINATED + ")";
    ReplWire.log(
        host.db(), "agent", "Replication agent terminated.", ReplWire.MSG_AGENT_TERMINATED);
    closeConnection();
  }

  private synchronized boolean claim(Socket s, DataOutputStream out) throws IOException {
    switch (state) {
      case FAILED -> {
        ReplWire.refuse(out, failCode == 1034 ? 1034 : ReplWire.MSG_NEW_SEED_NEEDED, lastMessage);
        return false;
      }
      case TERMINATED, TRANSITIONED -> {
        ReplWire.refuse(out, ReplWire.MSG_AGENT_TERMINATED, "The replication agent is terminated.");
        return false;
      }
      default -> {
        if (connection != null) {
          ReplWire.refuse(
              out,
              ReplWire.MSG_BUSY_AGENT,
              "Another replication server is connected to the agent.");
          return false;
        }
        connection = s;
        return true;
      }
    }
  }

  @Override
  public void accept(Socket s, DataInputStream in, DataOutputStream out) throws IOException {
    if (!claim(s, out)) {
      return;
    }
    try {
      serve(s, in, out);
    } finally {
      synchronized (this) {
        if (connection == s) {
          connection = null;
        }
        if (state == State.STARTUP || state == State.RECOVERY || state == State.NORMAL) {
          state = State.LISTENING;
          ReplWire.log(
              host.db(),
              "agent",
              "Lost the connection to the replication server; listening.",
              2083);
        }
      }
    }
  }

  private void serve(Socket s, DataInputStream in, DataOutputStream out) throws IOException {
    s.setSoTimeout(15_000);
    String sourceDb = in.readUTF();
    String lineage = in.readUTF();
    String sourceInstance = in.readUTF();
    in.readLong(); // the source's committed position: informational
    String controlAgent = in.readUTF();
    StartupParams sourceParams = StartupParams.decode(in.readUTF());
    String below = host.startupParams().belowSource(sourceParams);
    if (below != null && Release.current().before(12, 2)) {
      // 11.7 to 12.1: the agent does not start below its source's parameters [doc: KB P186998].
      String text =
          "The value for the database startup argument "
              + below
              + " must be greater than or equal to the argument's value on the Source database.";
      fail(1035, ReplWire.MSG_STARTUP_BELOW_SOURCE, text);
      ReplWire.refuse(out, ReplWire.MSG_STARTUP_BELOW_SOURCE, text);
      return;
    }
    String nameRefusal = agentNameRefusal(controlAgent);
    if (nameRefusal != null) {
      fail(1034, ReplWire.MSG_AGENT_NAME, nameRefusal);
      ReplWire.refuse(out, ReplWire.MSG_AGENT_NAME, nameRefusal);
      return;
    }
    if (!lineage.equals(host.lineage())) {
      String text =
          "** Invalid target configuration: "
              + host.db().display()
              + " was not seeded from a backup of "
              + sourceDb
              + " (lineage "
              + host.lineage()
              + ", the source has "
              + lineage
              + ").";
      fail(1034, 1034, text);
      ReplWire.refuse(out, 1034, text);
      return;
    }
    ChangeLog log = host.log();
    long position = log.position();
    out.writeByte(0);
    out.writeLong(position);
    out.writeLong(ReplWire.entryCrc(log.channel(), position));
    out.writeBoolean("true".equals(host.persisted("replInSync")));
    out.writeUTF(host.instance());
    out.writeUTF(
        host.persisted("restoredBackupType")
            + ("true".equals(host.persisted("restoredTargetCreation")) ? "+target-creation" : ""));
    out.flush();
    if (in.readByte() != 0) {
      int number = in.readInt();
      String text = in.readUTF();
      fail(number == 1034 ? 1034 : 1035, number, text);
      return;
    }
    byte mode = in.readByte();
    synchronized (this) {
      state = mode == ReplWire.STARTUP ? State.STARTUP : State.RECOVERY;
      lastMessage = "";
      cleanEnd = false;
    }
    writeRecovery(sourceInstance, position);
    ReplWire.log(
        host.db(),
        "agent",
        "Connected to the replication server of "
            + sourceDb
            + " at position "
            + position
            + (mode == ReplWire.STARTUP
                ? "; startup synchronization."
                : "; recovery synchronization."),
        mode == ReplWire.STARTUP ? 3048 : 3050);
    while (true) {
      byte op = in.readByte();
      switch (op) {
        case ReplWire.DATA -> {
          long p = in.readLong();
          byte[] k = new byte[in.readInt()];
          in.readFully(k);
          byte[] v = new byte[in.readInt()];
          in.readFully(v);
          log.appendReplicated(p, new ChangeLog.Rec(k, v));
        }
        case ReplWire.MARK, ReplWire.BEAT -> {
          if (op == ReplWire.MARK) {
            in.readLong();
          }
          out.writeByte(ReplWire.ACK);
          out.writeLong(log.position());
          out.flush();
        }
        case ReplWire.NORMAL -> {
          synchronized (this) {
            state = State.NORMAL;
          }
          if (!"true".equals(host.persisted("replInSync"))) {
            host.persist("replInSync", "true");
          }
          writeRecovery(sourceInstance, log.position());
          ReplWire.log(
              host.db(),
              "agent",
              "Normal processing: in sync at position " + log.position() + ".",
              3049);
        }
        case ReplWire.END -> {
          long end = in.readLong();
          synchronized (this) {
            cleanEnd = state == State.NORMAL && end == log.position();
            state = State.LISTENING;
          }
          ReplWire.log(
              host.db(),
              "agent",
              "The source shut down normally at position " + end + "; listening.",
              2083);
          return;
        }
        case ReplWire.TRANSITION -> {
          if (!"true".equals(host.persisted("aiEnabled"))) {
            // A source needs after-imaging [doc]: the target it would become has none.
            out.writeByte(ReplWire.REFUSED);
            out.writeInt(Proutil.MSG_AI_REQUIRED);
            out.writeUTF(
                "** After-imaging is not enabled on "
                    + host.db().display()
                    + "; it cannot become an OpenEdge Replication source.");
            out.flush();
            continue;
          }
          String refusal = transitionRefusal();
          if (refusal != null) {
            out.writeByte(ReplWire.REFUSED);
            out.writeInt(ReplWire.MSG_PROPERTIES);
            out.writeUTF(refusal);
            out.flush();
            continue;
          }
          synchronized (this) {
            state = State.TRANSITIONED;
          }
          ReplWire.log(
              host.db(), "agent", "Transition failover: this database becomes the source.", 3055);
          // Recorded before the answer: once the old source hears it, describe shows the swap.
          host.persist("replication", "source");
          host.persist("replInSync", "true");
          out.writeByte(ReplWire.TRANSITIONED);
          out.flush();
          // After the reply: becoming a source closes this agent and its connection.
          host.becameSource();
          return;
        }
        default -> throw new IOException("unexpected replication frame " + op);
      }
    }
  }

  /**
   * The agent answers only to the control agent its own {@code [agent] name} names [doc]: a server
   * whose {@code [control-agent.NAME]} is another name is refused, as is any server when this
   * target has no properties file or no {@code [agent]} name.
   */
  private String agentNameRefusal(String controlAgent) {
    try {
      ReplProperties p = ReplProperties.read(host.db());
      String mine = p.section("agent").get("name");
      if (mine == null || mine.isBlank()) {
        return "** Invalid target configuration: " + p.file() + " has no [agent] name.";
      }
      if (!mine.equalsIgnoreCase(controlAgent)) {
        return "** Invalid target configuration: the replication server connects as control agent "
            + controlAgent
            + ", but this agent is "
            + mine
            + " ([agent] name in "
            + p.file()
            + ").";
      }
      return null;
    } catch (ReplProperties.Invalid e) {
      return "** Invalid target configuration: " + e.getMessage() + ".";
    }
  }

  /** Why this target cannot become a source, or null: it needs its own control agents. */
  private String transitionRefusal() {
    try {
      ReplProperties p = ReplProperties.read(host.db());
      List<ReplProperties.ControlAgent> agents = p.controlAgents();
      if (!p.databaseRole().equals("reverse")) {
        return "** "
            + p.file()
            + ": [transition] database-role="
            + p.databaseRole()
            + "; an online failover needs database-role=reverse.";
      }
      return agents.isEmpty() ? "no control agent" : null;
    } catch (ReplProperties.Invalid e) {
      return "** The target cannot become a source: " + e.getMessage() + ".";
    }
  }

  private void writeRecovery(String sourceInstance, long position) {
    String text =
        "# OpenEdge Replication recovery state (baton simulator)\ninstance="
            + host.instance()
            + "\nsource="
            + sourceInstance
            + "\nposition="
            + position
            + "\n";
    try {
      Files.writeString(host.db().file(".repl.recovery"), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      ReplWire.log(host.db(), "agent", "Cannot write the recovery file: " + e.getMessage(), 1035);
    }
  }

  private synchronized void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (state != State.TRANSITIONED) {
        state = State.TERMINATED;
      }
    }
    closeConnection();
  }
}

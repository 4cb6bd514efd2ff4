package dev.baton.sim;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The replication server of a source served with {@code -DBService replserv}: one link per {@code
 * [control-agent.NAME]} of {@code <db>.repl.properties}. A link connects to the agent's host:port
 * (retrying for {@code connect-timeout} seconds, then the server ends: 6060), checks the target
 * (lineage and the entry at its position, 1034; a target never in sync whose position is older than
 * the last online backup or quiet point, 10440/11696), ships every entry after the target's
 * position (startup synchronization the first time, recovery synchronization after a lost
 * connection) and then streams new commits (normal processing).
 */
final class ReplServer implements ReplicationService {
  enum State {
    CONNECTING,
    STARTUP,
    RECOVERY,
    NORMAL,
    TRANSITIONING,
    TRANSITIONED,
    FAILED,
    ENDED
  }

  private final ReplHost host;
  private final List<Link> links = new ArrayList<>();
  private final String problem;

  /** {@code [server] defer-agent-startup}: online seeding needs it above 0 [doc]. */
  private final String deferAgentStartup;

  private final String propertiesFile;
  private volatile boolean closed;
  private volatile boolean ending;

  ReplServer(ReplHost host) {
    this.host = host;
    String p = null;
    String defer = null;
    String file = ReplProperties.fileOf(host.db()).toString();
    try {
      ReplProperties props = ReplProperties.read(host.db());
      defer = props.section("server").get("defer-agent-startup");
      for (ReplProperties.ControlAgent a : props.controlAgents()) {
        links.add(new Link(a));
      }
    } catch (ReplProperties.Invalid e) {
      p = "** The replication server cannot start: " + e.getMessage() + ".";
      ReplWire.log(host.db(), "server", p, 6060);
    }
    this.problem = p;
    this.deferAgentStartup = defer;
    this.propertiesFile = file;
  }

  /**
   * Why a target that never reached normal processing cannot be synchronized from the way it was
   * seeded, or null. An online backup seeds a target only when taken with -REPLTargetCreation, and
   * only with deferred agent startup on the source [doc]; an offline backup needs neither.
   */
  private Refusal seedRefusal(String seed, String agentName) {
    if (!seed.startsWith("online")) {
      return null;
    }
    if (!seed.contains("+target-creation")) {
      // KB P92539: without -REPLTargetCreation the master block's replication information is
      // not flushed, and the server terminates the agent with these two messages [doc].
      return new Refusal(
          ReplWire.MSG_NO_TARGET_CREATION,
          "This database has not been properly backed up (the target was seeded from an online"
              + " backup taken without -REPLTargetCreation; a new seed is needed). The OpenEdge"
              + " Replication Agent "
              + agentName
              + " is being terminated.");
    }
    long minutes;
    try {
      minutes = deferAgentStartup == null ? 0 : Long.parseLong(deferAgentStartup.strip());
    } catch (NumberFormatException e) {
      minutes = -1;
    }
    // Server properties [doc]: 0 (not active) or 5 to 10080 minutes; online backups require it.
    if (minutes < 5 || minutes > 10080) {
      return new Refusal(
          ReplWire.MSG_NO_DEFER,
          "** A target seeded from an online backup needs deferred agent startup:"
              + " defer-agent-startup is "
              + (deferAgentStartup == null ? "not set" : "'" + deferAgentStartup + "'")
              + " in [server] of "
              + propertiesFile
              + " (5 to 10080 minutes).");
    }
    return null;
  }

  /** A target refused at the handshake: the message number and its text. */
  private record Refusal(int number, String text) {}

  ReplServer start() {
    for (Link l : links) {
      Thread t = new Thread(l, "repl-server-" + l.agent.name());
      t.setDaemon(true);
      l.thread = t;
      t.start();
    }
    if (problem == null) {
      ReplWire.log(host.db(), "server", "Replication server started; connecting to agents.", 6002);
    }
    return this;
  }

  /** Running: not terminated and at least one link still connecting, syncing or in sync. */
  boolean running() {
    if (closed || problem != null) {
      return false;
    }
    return links.stream()
        .map(Link::state)
        .anyMatch(s -> s != State.FAILED && s != State.ENDED && s != State.TRANSITIONED);
  }

  @Override
  public void committed(Control.Checkpoint at) {
    for (Link l : links) {
      synchronized (l) {
        l.notifyAll();
      }
    }
  }

  @Override
  public int status(boolean detail) {
    if (!running()) {
      return detail ? 6060 : 1199;
    }
    List<State> states = links.stream().map(Link::state).toList();
    if (states.contains(State.TRANSITIONING)) {
      return detail ? 6022 : 1105;
    }
    if (states.contains(State.CONNECTING)) {
      return detail ? 6002 : 1100;
    }
    if (states.contains(State.STARTUP)) {
      return detail ? 6005 : 1101;
    }
    if (states.contains(State.RECOVERY)) {
      return detail ? 6004 : 1101;
    }
    return detail ? 6021 : 1101;
  }

  @Override
  public int agentStatus(boolean detail) {
    if (links.isEmpty()) {
      return detail ? 0 : 3255;
    }
    return links.get(0).agentStatus(detail);
  }

  /** The position every connected target has applied (LOCKED extents before it may empty). */
  private long appliedByAll() {
    List<Link> ls;
    synchronized (links) {
      ls = List.copyOf(links);
    }
    long min = Long.MAX_VALUE;
    for (Link l : ls) {
      synchronized (l) {
        min = Math.min(min, l.acked);
      }
    }
    return ls.isEmpty() ? -1 : min;
  }

  @Override
  public long agentPosition() {
    if (links.isEmpty()) {
      return -1;
    }
    Link l = links.get(0);
    synchronized (l) {
      return l.acked;
    }
  }

  @Override
  public String lastMessage() {
    if (problem != null) {
      return problem + " (6060)";
    }
    return links.isEmpty() ? "" : links.get(0).lastMessage();
  }

  @Override
  public boolean inSync() {
    return !closed
        && problem == null
        && !links.isEmpty()
        && links.stream().allMatch(l -> l.state() == State.NORMAL);
  }

  /**
   * Hands the source role to the one agent ({@code transition failover}); the broker has stopped
   * client writes. Returns null when the agent took it, else the reason.
   */
  String transition(long timeoutMs) throws InterruptedException {
    if (links.size() != 1) {
      return "an online failover needs exactly one control agent, not " + links.size();
    }
    Link l = links.get(0);
    CompletableFuture<String> done = new CompletableFuture<>();
    synchronized (l) {
      if (l.state != State.NORMAL) {
        return "the agent is not in normal processing (" + l.agentStatus(true) + ")";
      }
      l.transition = done;
      l.notifyAll();
    }
    try {
      return done.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause().getMessage();
    } catch (TimeoutException e) {
      return "the agent did not answer the transition in " + timeoutMs / 1000 + " s";
    } finally {
      synchronized (l) {
        l.transition = null;
      }
    }
  }

  /**
   * A normal shutdown of the source: every link in normal processing ships what is committed and
   * sends END, so its target knows it holds everything (the condition of a controlled transition).
   */
  @Override
  public void shutdown() {
    ending = true;
    for (Link l : links) {
      synchronized (l) {
        l.notifyAll();
      }
    }
    for (Link l : links) {
      if (l.thread != null) {
        try {
          l.thread.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    close();
  }

  @Override
  public void close() {
    closed = true;
    for (Link l : links) {
      l.stop();
    }
    ReplWire.log(host.db(), "server", "Replication server ended.", 6060);
  }

  /** Thrown inside a session when the connection is gone and the link should reconnect. */
  private static final class Lost extends IOException {
    Lost(String why) {
      super(why);
    }
  }

  private final class Link implements Runnable {
    final ReplProperties.ControlAgent agent;
    State state = State.CONNECTING;
    int agentDetail = 1001;
    String lastMessage = "";
    long acked = -1;
    long syncTarget;
    boolean everConnected;
    boolean dead;
    Socket socket;
    Thread thread;
    CompletableFuture<String> transition;

    Link(ReplProperties.ControlAgent agent) {
      this.agent = agent;
    }

    synchronized State state() {
      return state;
    }

    synchronized String lastMessage() {
      return lastMessage;
    }

    synchronized int agentStatus(boolean detail) {
      if (host.aiStalled() && state != State.ENDED && state != State.FAILED) {
        // The source waits for an EMPTY after-image extent: the agent reports an AI stall [doc].
        return detail ? 3054 : 3101;
      }
      return switch (state) {
        case CONNECTING ->
            agentDetail == ReplWire.MSG_AGENT_TERMINATED
                ? (detail ? ReplWire.MSG_AGENT_TERMINATED : 3199)
                : (detail ? (everConnected ? 3050 : 1001) : 3100);
        case STARTUP -> detail ? 3048 : 3101;
        case RECOVERY -> detail ? 3050 : 3101;
        case NORMAL -> detail ? 3049 : 3101;
        case TRANSITIONING, TRANSITIONED -> detail ? 3055 : 3105;
        case FAILED -> detail ? agentDetail : 3102;
        case ENDED -> detail ? (everConnected ? 1063 : 1032) : 3199;
      };
    }

    private synchronized void set(State s) {
      state = s;
      notifyAll();
    }

    private void note(int number, String text) {
      synchronized (this) {
        lastMessage = text + " (" + number + ")";
      }
      ReplWire.log(host.db(), "server", "agent " + agent.name() + ": " + text, number);
    }

    void stop() {
      Socket s;
      synchronized (this) {
        s = socket;
        notifyAll();
      }
      closeQuietly(s);
      if (thread != null) {
        thread.interrupt();
      }
    }

    @Override
    public void run() {
      long lossStart = System.nanoTime();
      while (!closed && !ending) {
        Socket s = new Socket();
        try {
          s.setTcpNoDelay(true);
          s.connect(new InetSocketAddress(agent.host(), agent.port()), 2000);
        } catch (IOException e) {
          closeQuietly(s);
          if (System.nanoTime() - lossStart > agent.connectTimeout() * 1_000_000_000L) {
            note(
                6060,
                "not reachable at "
                    + agent.host()
                    + ":"
                    + agent.port()
                    + " for "
                    + agent.connectTimeout()
                    + " s (connect-timeout); the replication server ended.");
            set(State.ENDED);
            return;
          }
          if (!pause(500)) {
            return;
          }
          continue;
        }
        synchronized (this) {
          socket = s;
          dead = false;
        }
        boolean reconnect;
        try {
          reconnect = session(s);
        } catch (Lost e) {
          reconnect = true;
          if (!closed) {
            note(6002, "lost the connection (" + e.getMessage() + "); reconnecting.");
          }
        } catch (IOException e) {
          reconnect = true;
          if (!closed) {
            note(6002, "lost the connection (" + e + "); reconnecting.");
          }
        } catch (InterruptedException e) {
          return;
        } finally {
          closeQuietly(s);
          synchronized (this) {
            socket = null;
          }
        }
        if (!reconnect || closed) {
          return;
        }
        synchronized (this) {
          if (state != State.CONNECTING) {
            lossStart = System.nanoTime();
          }
        }
        set(State.CONNECTING);
        if (!pause(200)) {
          return;
        }
      }
    }

    private boolean pause(long ms) {
      try {
        Thread.sleep(ms);
        return !closed;
      } catch (InterruptedException e) {
        return false;
      }
    }

    /** One connection; true when the link should reconnect, false when it is done. */
    private boolean session(Socket s) throws IOException, InterruptedException {
      s.setSoTimeout(15_000);
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
      ChangeLog log = host.log();
      FileChannel ch = log.channel();
      out.writeByte(ReplWire.OP);
      out.writeUTF(ReplWire.MAGIC);
      out.writeUTF(host.db().display());
      out.writeUTF(host.lineage());
      out.writeUTF(host.instance());
      out.writeLong(log.position());
      out.writeUTF(agent.name());
      out.writeUTF(host.startupParams().encode());
      out.flush();
      if (in.readByte() != 0) {
        int number = in.readInt();
        String text = in.readUTF();
        note(number, "refused: " + text);
        if (number == ReplWire.MSG_AGENT_TERMINATED
            || number == ReplWire.MSG_BUSY_AGENT
            || number == ReplWire.MSG_NOT_LISTENING) {
          synchronized (this) {
            agentDetail = number;
          }
          pause(1000);
          return true;
        }
        synchronized (this) {
          agentDetail = number == 1034 || number == ReplWire.MSG_AGENT_NAME ? 1034 : 1035;
        }
        set(State.FAILED);
        return false;
      }
      long position = in.readLong();
      long crc = in.readLong();
      boolean everInSync = in.readBoolean();
      in.readUTF(); // the target's instance
      String seed = in.readUTF(); // read always: it is the next field of the handshake
      Refusal seedRefused = everInSync ? null : seedRefusal(seed, agent.name());
      String refusal = null;
      int number = 0;
      if (position > log.position() || ReplWire.entryCrc(ch, position) != crc) {
        number = 1034;
        refusal =
            "** Invalid target configuration: the target at position "
                + position
                + " holds changes the source "
                + host.db().display()
                + " does not have; a new seed is needed.";
      } else if (seedRefused != null) {
        refusal = seedRefused.text();
        number = seedRefused.number();
      } else {
        long baseline = parse(host.persisted("replBaseline"));
        if (!everInSync && position < baseline) {
          number = (int) parse(host.persisted("replBaselineReason"));
          refusal =
              (number == ReplWire.MSG_SYNC_BROKEN_QUIET
                      ? "** A quiet point was set on the source"
                      : "** Another online backup was taken of the source")
                  + " at position "
                  + baseline
                  + " before the target reached normal processing; the target (at position "
                  + position
                  + ") cannot be synchronized. A new seed is needed.";
        }
      }
      if (refusal != null) {
        ReplWire.refuse(out, number, refusal);
        note(number, refusal);
        if (number != 1034) {
          note(ReplWire.MSG_NEW_SEED_NEEDED, "the target needs a new seed (backup and restore).");
        }
        synchronized (this) {
          agentDetail = number == 1034 || number == ReplWire.MSG_AGENT_NAME ? 1034 : 1035;
        }
        set(State.FAILED);
        return false;
      }
      byte mode;
      synchronized (this) {
        mode = everConnected ? ReplWire.RECOVERY : ReplWire.STARTUP;
        everConnected = true;
        acked = position;
        syncTarget = log.position();
        lastMessage = "";
      }
      out.writeByte(0);
      out.writeByte(mode);
      out.flush();
      set(mode == ReplWire.STARTUP ? State.STARTUP : State.RECOVERY);
      note(
          mode == ReplWire.STARTUP ? 6005 : 6004,
          (mode == ReplWire.STARTUP ? "startup" : "recovery")
              + " synchronization from position "
              + position
              + " to "
              + syncTarget
              + ".");
      Thread reader = new Thread(() -> readAcks(in), "repl-acks-" + agent.name());
      reader.setDaemon(true);
      reader.start();
      try {
        stream(out, log, ch, ReplWire.pointAfter(ch, position));
        return false;
      } finally {
        closeQuietly(s);
        reader.join(2000);
      }
    }

    /** Ships entries and marks until the connection is lost or the role is handed over. */
    private void stream(DataOutputStream out, ChangeLog log, FileChannel ch, Control.Checkpoint at)
        throws IOException, InterruptedException {
      Control.Checkpoint shipped = at;
      long lastSend = System.nanoTime();
      while (!closed) {
        if (ending) {
          long committed = log.position();
          if (committed > shipped.position()) {
            shipped = ship(out, ch, shipped, committed);
          }
          if (state() == State.NORMAL) {
            out.writeByte(ReplWire.END);
            out.writeLong(shipped.position());
          }
          out.flush();
          set(State.ENDED);
          return;
        }
        synchronized (this) {
          if (dead) {
            throw new Lost("the agent's side closed");
          }
        }
        long committed = log.position();
        if (committed > shipped.position()) {
          shipped = ship(out, ch, shipped, committed);
          out.writeByte(ReplWire.MARK);
          out.writeLong(shipped.position());
          out.flush();
          lastSend = System.nanoTime();
        } else if (System.nanoTime() - lastSend > 1_000_000_000L) {
          out.writeByte(ReplWire.BEAT);
          out.flush();
          lastSend = System.nanoTime();
        }
        CompletableFuture<String> handOver = null;
        long normalAt = -1;
        synchronized (this) {
          if ((state == State.STARTUP || state == State.RECOVERY) && acked >= syncTarget) {
            state = State.NORMAL;
            lastMessage = "";
            normalAt = acked;
          }
          if (transition != null
              && state == State.NORMAL
              && acked == log.position()
              && shipped.position() == acked) {
            handOver = transition;
            state = State.TRANSITIONING;
          }
        }
        if (normalAt >= 0) {
          // Written outside the lock: the ack reader must never wait for a blocked socket write.
          out.writeByte(ReplWire.NORMAL);
          out.flush();
          ReplWire.log(
              host.db(),
              "server",
              "agent " + agent.name() + ": normal processing at position " + normalAt + ".",
              6021);
        }
        if (handOver != null) {
          out.writeByte(ReplWire.TRANSITION);
          out.flush();
          String r = awaitTransitionAnswer(handOver);
          if (r == null) {
            set(State.TRANSITIONED);
            return;
          }
          set(State.NORMAL);
          continue;
        }
        synchronized (this) {
          if (!dead && !closed && !ending && log.position() == shipped.position()) {
            wait(transition != null ? 50 : 250);
          }
        }
      }
    }

    private String awaitTransitionAnswer(CompletableFuture<String> handOver)
        throws InterruptedException {
      long deadline = System.nanoTime() + 30_000_000_000L;
      synchronized (this) {
        while (!handOver.isDone() && !dead && System.nanoTime() < deadline) {
          wait(100);
        }
      }
      if (!handOver.isDone()) {
        handOver.complete(dead ? "the connection to the agent was lost" : "no answer");
      }
      return handOver.getNow("no answer");
    }

    private Control.Checkpoint ship(
        DataOutputStream out, FileChannel ch, Control.Checkpoint from, long upto)
        throws IOException {
      return ChangeLog.scan(
          ch,
          from,
          upto,
          (p, key, valueOffset, valueLength, end) -> {
            out.writeByte(ReplWire.DATA);
            out.writeLong(p);
            out.writeInt(key.length);
            out.write(key);
            out.writeInt(valueLength);
            out.write(ReplWire.read(ch, valueOffset, valueLength));
          });
    }

    private void readAcks(DataInputStream in) {
      try {
        while (true) {
          byte op = in.readByte();
          switch (op) {
            case ReplWire.ACK -> {
              long p = in.readLong();
              synchronized (this) {
                acked = p;
                notifyAll();
              }
              host.replicated(appliedByAll());
            }
            case ReplWire.TRANSITIONED -> answer(null);
            case ReplWire.REFUSED -> {
              int n = in.readInt();
              String text = in.readUTF();
              note(n, "refused the transition: " + text);
              answer(text + " (" + n + ")");
            }
            default -> throw new IOException("unexpected frame " + op);
          }
        }
      } catch (IOException e) {
        synchronized (this) {
          dead = true;
          notifyAll();
        }
      }
    }

    private synchronized void answer(String result) {
      if (transition != null) {
        transition.complete(result);
      }
      notifyAll();
    }
  }

  private static long parse(String v) {
    try {
      return v == null ? 0 : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}

package dev.baton.sim;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Properties;

/** A connection to a database broker over its -S port (the simulator's own wire format). */
final class BrokerClient implements AutoCloseable {
  static final byte WRITE = 'W';
  static final byte BACKUP = 'B';
  static final byte BACKUP_END = 'E';
  static final byte STATUS = 'S';
  static final byte SHUTDOWN = 'Q';
  static final byte CONTROL = 'C';

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  /** A refusal from the broker: an OpenEdge-style message with its number. */
  static final class Refused extends Exception {
    final int number;

    Refused(int number, String text) {
      super(text);
      this.number = number;
    }
  }

  BrokerClient(int port) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
  }

  /** Commits the records (one commit each) and returns the position of the last. */
  long write(List<ChangeLog.Rec> recs) throws IOException, Refused {
    out.writeByte(WRITE);
    out.writeInt(recs.size());
    for (ChangeLog.Rec r : recs) {
      out.writeInt(r.key().length);
      out.write(r.key());
      out.writeInt(r.value().length);
      out.write(r.value());
    }
    out.flush();
    reply();
    return in.readLong();
  }

  /**
   * Starts the one online backup: the broker answers with the committed point the backup may copy
   * and holds the backup slot until {@link #endBackup} or this connection closes.
   */
  Control.Checkpoint beginBackup() throws IOException, Refused {
    out.writeByte(BACKUP);
    out.flush();
    reply();
    long offset = in.readLong();
    long position = in.readLong();
    return new Control.Checkpoint(offset, position);
  }

  void endBackup() throws IOException {
    out.writeByte(BACKUP_END);
    out.flush();
    in.readByte();
  }

  Properties status() throws IOException, Refused {
    out.writeByte(STATUS);
    out.flush();
    reply();
    Properties p = new Properties();
    p.load(new StringReader(in.readUTF()));
    return p;
  }

  /** A dsrutil/proquiet request handled by the broker; returns its success message. */
  String control(String command) throws IOException, Refused {
    out.writeByte(CONTROL);
    out.writeUTF(command);
    out.flush();
    reply();
    in.readInt();
    return in.readUTF();
  }

  void shutdown() throws IOException, Refused {
    out.writeByte(SHUTDOWN);
    out.flush();
    reply();
  }

  private void reply() throws IOException, Refused {
    int ok = in.readByte();
    if (ok != 0) {
      int n = in.readInt();
      throw new Refused(n, in.readUTF());
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

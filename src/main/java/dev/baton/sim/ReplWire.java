package dev.baton.sim;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The simulator's replication protocol on a broker's -S port. A replication connection starts with
 * the op byte {@link #OP} and the preamble {@link #MAGIC}; client connections start with their own
 * op bytes, so one port serves both (see {@link Broker}).
 *
 * <pre>
 * server -> agent  OP, MAGIC, db name, lineage, source instance, committed position
 * agent  -> server 0, position, crc of the entry at position, ever in sync, instance
 *                  | 1, number, text (refused)
 * server -> agent  0, mode (STARTUP|RECOVERY) | 1, number, text (refused)
 * server -> agent  DATA position key value | MARK position | NORMAL | BEAT | TRANSITION | END
 * agent  -> server ACK position (after MARK and BEAT) | TRANSITIONED | REFUSED number text
 * </pre>
 */
final class ReplWire {
  static final byte OP = 'R';
  static final String MAGIC = "OESIM-REPL/1";
  static final byte STARTUP = 1;
  static final byte RECOVERY = 2;
  static final byte DATA = 'D';
  static final byte MARK = 'M';
  static final byte NORMAL = 'N';
  static final byte BEAT = 'H';
  static final byte TRANSITION = 'T';
  static final byte END = 'E';
  static final byte ACK = 'A';
  static final byte TRANSITIONED = 'Y';
  static final byte REFUSED = 'X';

  static final int MSG_INVALID_TARGET = 1034;
  static final int MSG_AGENT_TERMINATED = 1038;
  static final int MSG_SYNC_BROKEN_BACKUP = 10440;
  static final int MSG_NEW_SEED_NEEDED = 10504;
  static final int MSG_SYNC_BROKEN_QUIET = 11696;
  static final int MSG_STALE_RECOVERY = 10851;
  static final int MSG_NOT_LISTENING = 10852;
  static final int MSG_BUSY_AGENT = 10853;
  static final int MSG_NOT_IN_SYNC = 10854;
  static final int MSG_RUNNING = 10855;
  static final int MSG_WRONG_ROLE = 10856;
  static final int MSG_PROPERTIES = 10857;
  static final int MSG_TRANSITIONED = 10858;
  static final int MSG_NOT_SHUT_DOWN = 10859;
  static final int MSG_CONTROL_DONE = 10860;
  static final int MSG_QUIET = 10861;
  static final int MSG_AGENT_NAME = 10862;
  static final int MSG_NO_TARGET_CREATION = 10700;
  static final int MSG_NO_DEFER = 10864;
  static final int MSG_STARTUP_BELOW_SOURCE = 15771;

  private ReplWire() {}

  static void refuse(DataOutputStream out, int number, String text) throws IOException {
    out.writeByte(1);
    out.writeInt(number);
    out.writeUTF(text);
    out.flush();
  }

  /** CRC32C over key and value of the entry at {@code position} (0 for position 0). */
  static long entryCrc(FileChannel ch, long position) throws IOException {
    if (position == 0) {
      return 0;
    }
    long[] found = new long[2];
    byte[][] key = new byte[1][];
    Control.Checkpoint end =
        ChangeLog.scan(
            ch,
            new Control.Checkpoint(0, 0),
            position,
            (p, k, valueOffset, valueLength, e) -> {
              if (p == position) {
                key[0] = k;
                found[0] = valueOffset;
                found[1] = valueLength;
              }
            });
    if (end.position() != position || key[0] == null) {
      return -1;
    }
    CRC32C crc = new CRC32C();
    crc.update(key[0]);
    crc.update(read(ch, found[0], (int) found[1]));
    return crc.getValue();
  }

  /** The committed point just after the entry at {@code position}. */
  static Control.Checkpoint pointAfter(FileChannel ch, long position) throws IOException {
    return ChangeLog.scan(ch, new Control.Checkpoint(0, 0), position, null);
  }

  static byte[] read(FileChannel ch, long at, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new IOException("unexpected end of log");
      }
    }
    return b.array();
  }

  /**
   * Appends a line to {@code <db>.repl.server.lg} or {@code <db>.repl.agent.lg} and to {@code
   * <db>.lg}, in the shape of an OpenEdge log line.
   */
  static void log(DbPath db, String kind, String text, int number) {
    DbLog.write(db, kind.equals("server") ? "RPLS" : "RPLA", text, number);
    Path f = db.file(".repl." + kind + ".lg");
    String line =
        "["
            + Dates.lgStamp()
            + "] P-"
            + ProcessHandle.current().pid()
            + " "
            + (kind.equals("server") ? "RPLS" : "RPLA")
            + ": ("
            + number
            + ")   "
            + text
            + "\n";
    try {
      Files.writeString(
          f, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.err.println("warning: cannot write " + f + ": " + e.getMessage());
    }
  }
}

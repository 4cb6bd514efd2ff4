package dev.baton.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records of a database: an append-only log of committed changes in the data extent. Every
 * entry carries its position (1, 2, 3, ...), which is the database's after-image position; a prefix
 * of the file up to a committed offset never changes, which is what makes an online backup a plain
 * copy of that prefix, and what a replication server will ship (entries after a target's position)
 * through {@link #scan}.
 *
 * <p>Entry layout: int magic, long position, int key length, int value length, key, value.
 */
final class ChangeLog implements AutoCloseable {
  static final int MAGIC = 0x4F455245; // "OERE"
  static final int HEADER = 20;
  static final int MAX_KEY = 64 * 1024;
  static final int MAX_VALUE = 64 * 1024 * 1024;

  /** One record: key and value bytes. */
  record Rec(byte[] key, byte[] value) {
    static Rec of(String key, String value) {
      return new Rec(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Receives entries in log order; valueOffset is where the value bytes start in the file. */
  interface Visitor {
    void entry(long position, byte[] key, long valueOffset, int valueLength, long end)
        throws IOException;
  }

  /** Content digest: distinct keys, SHA-256 over (key, value) ordered by key, the position. */
  record Digest(long records, String sha256, long position) {
    String line() {
      return "records=" + records + " sha256=" + sha256 + " position=" + position;
    }
  }

  private final FileChannel ch;
  private long offset;
  private long position;

  private ChangeLog(FileChannel ch, long offset, long position) {
    this.ch = ch;
    this.offset = offset;
    this.position = position;
  }

  /**
   * Opens the log and finds its committed end: from the checkpoint of the control area forward over
   * complete entries. A torn entry at the end (a writer killed mid-write) is cut off when the log
   * is opened for writing.
   */
  static ChangeLog open(Path file, Control.Checkpoint cp, boolean writable) throws IOException {
    FileChannel ch =
        writable
            ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
            : FileChannel.open(file, StandardOpenOption.READ);
    try {
      Control.Checkpoint start = cp.offset() <= ch.size() ? cp : new Control.Checkpoint(0, 0);
      Control.Checkpoint end = scan(ch, start, Long.MAX_VALUE, null);
      if (writable && end.offset() < ch.size()) {
        ch.truncate(end.offset());
      }
      return new ChangeLog(ch, end.offset(), end.position());
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  synchronized long offset() {
    return offset;
  }

  synchronized long position() {
    return position;
  }

  synchronized Control.Checkpoint committed() {
    return new Control.Checkpoint(offset, position);
  }

  /** Appends records as one commit each; returns the committed point after the last one. */
  synchronized Control.Checkpoint append(List<Rec> recs) throws IOException {
    int size = 0;
    for (Rec r : recs) {
      size += HEADER + r.key().length + r.value().length;
    }
    ByteBuffer buf = ByteBuffer.allocate(size);
    long pos = position;
    for (Rec r : recs) {
      if (r.key().length == 0 || r.key().length > MAX_KEY || r.value().length > MAX_VALUE) {
        throw new IllegalArgumentException("key or value size out of range");
      }
      buf.putInt(MAGIC).putLong(++pos).putInt(r.key().length).putInt(r.value().length);
      buf.put(r.key()).put(r.value());
    }
    buf.flip();
    long at = offset;
    while (buf.hasRemaining()) {
      at += ch.write(buf, at);
    }
    offset = at;
    position = pos;
    return new Control.Checkpoint(offset, position);
  }

  /**
   * Appends one entry shipped by a replication server: it must be the next position, so a target
   * holds exactly its source's entries in the source's order.
   */
  synchronized Control.Checkpoint appendReplicated(long at, Rec r) throws IOException {
    if (at != position + 1) {
      throw new IOException(
          "replicated entry out of sequence: got position " + at + ", expected " + (position + 1));
    }
    return append(List.of(r));
  }

  /** Flushes to disk: once at checkpoints and close, never per record. */
  void force() throws IOException {
    ch.force(false);
  }

  FileChannel channel() {
    return ch;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }

  /**
   * Walks complete, well-formed entries from {@code from} while their position is at most {@code
   * uptoPosition}; returns the point after the last one visited.
   */
  static Control.Checkpoint scan(
      FileChannel ch, Control.Checkpoint from, long uptoPosition, Visitor v) throws IOException {
    long size = ch.size();
    ByteBuffer win = ByteBuffer.allocateDirect(1 << 20);
    long winStart = from.offset();
    win.limit(0);
    long at = from.offset();
    long pos = from.position();
    byte[] hdr = new byte[HEADER];
    while (pos < uptoPosition && at + HEADER <= size) {
      if (at < winStart || at + HEADER > winStart + win.limit()) {
        winStart = at;
        win.clear();
        while (win.hasRemaining() && ch.read(win, winStart + win.position()) > 0) {
          // fill the window
        }
        win.flip();
        if (win.limit() < HEADER) {
          break;
        }
      }
      win.position((int) (at - winStart));
      win.get(hdr);
      ByteBuffer h = ByteBuffer.wrap(hdr);
      int magic = h.getInt();
      long p = h.getLong();
      int kl = h.getInt();
      int vl = h.getInt();
      long end = at + HEADER + (long) kl + vl;
      if (magic != MAGIC
          || p != pos + 1
          || kl <= 0
          || kl > MAX_KEY
          || vl < 0
          || vl > MAX_VALUE
          || end > size) {
        break;
      }
      if (v != null) {
        byte[] key = new byte[kl];
        long keyAt = at + HEADER;
        if (keyAt + kl <= winStart + win.limit()) {
          win.position((int) (keyAt - winStart));
          win.get(key);
        } else {
          ByteBuffer kb = ByteBuffer.wrap(key);
          while (kb.hasRemaining()) {
            if (ch.read(kb, keyAt + kb.position()) < 0) {
              throw new IOException("unexpected end of log");
            }
          }
        }
        v.entry(p, key, keyAt + kl, vl, end);
      }
      at = end;
      pos = p;
    }
    return new Control.Checkpoint(at, pos);
  }

  /** The digest of the content as of {@code upto} (the whole committed log if null). */
  static Digest digest(FileChannel ch, Control.Checkpoint committed, Long upto) throws IOException {
    long limit = upto == null ? committed.position() : upto;
    Map<byte[], long[]> latest = new TreeMap<>(Arrays::compareUnsigned);
    Control.Checkpoint end =
        scan(
            ch,
            new Control.Checkpoint(0, 0),
            limit,
            (p, key, valueOffset, valueLength, e) ->
                latest.put(key, new long[] {valueOffset, valueLength}));
    if (end.position() < limit) {
      throw new IllegalArgumentException(
          "position " + limit + " is beyond the committed position " + end.position());
    }
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer len = ByteBuffer.allocate(4);
    for (Map.Entry<byte[], long[]> e : latest.entrySet()) {
      md.update(len.clear().putInt(e.getKey().length).array());
      md.update(e.getKey());
      int vl = (int) e.getValue()[1];
      md.update(len.clear().putInt(vl).array());
      ByteBuffer val = ByteBuffer.allocate(vl);
      while (val.hasRemaining()) {
        if (ch.read(val, e.getValue()[0] + val.position()) < 0) {
          throw new IOException("unexpected end of log");
        }
      }
      md.update(val.array());
    }
    return new Digest(latest.size(), HexFormat.of().formatHex(md.digest()), end.position());
  }
}

package dev.baton.transfer;

import dev.baton.ssh.RemoteFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streams bytes from the source host's SFTP to the destination host's SFTP through baton. A reader
 * thread fills fixed-size chunks into a small bounded queue while the calling thread writes them,
 * so reading and writing overlap and memory stays at a few chunks whatever the file size (per
 * stream: {@code QUEUE_CHUNKS + 2} chunks of 256 KiB, plus the SSH windows). On request the SHA-256
 * of the bytes read is computed on the way.
 */
final class RelayCopy {
  static final int CHUNK = 256 * 1024;
  static final int QUEUE_CHUNKS = 4;

  private record Chunk(byte[] bytes, int length) {}

  private static final Chunk END = new Chunk(new byte[0], 0);

  /** What the copy moved: byte count and, when asked for, the digest of exactly those bytes. */
  record Copied(long bytes, Optional<String> sha256OfBytes) {}

  /**
   * One piece of work: {@code [offset, offset+length)} of {@code sourcePath} to the same offsets of
   * {@code partPath}.
   *
   * @param ranged write at the offset without truncating (one range of several streams); else
   *     truncate when {@code offset == 0} and continue a proven prefix otherwise
   * @param mode permission bits of a newly created part file
   */
  record Span(
      String sourcePath, String partPath, long offset, long length, int mode, boolean ranged) {}

  private RelayCopy() {}

  /**
   * Copies the span, digesting the bytes read when {@code digest} is set, and adds the bytes
   * written to {@code meter}.
   */
  static Copied copy(
      RemoteFiles source, RemoteFiles destination, Span span, boolean digest, ProgressMeter meter)
      throws IOException, InterruptedException {
    MessageDigest sha = digest ? sha256() : null;
    BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    // Buffers go back to the reader once written: QUEUE_CHUNKS + 2 of them circulate (the queue,
    // one being filled, one being written) instead of a new 256 KiB array per chunk.
    BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(QUEUE_CHUNKS + 2);
    AtomicReference<Throwable> readError = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> read(source, span, sha, queue, free, readError),
            "relay-read " + span.sourcePath() + "@" + span.offset());
    reader.setDaemon(true);
    long written = 0;
    boolean finished = false;
    try (OutputStream out = openPart(destination, span)) {
      reader.start();
      while (true) {
        Chunk c = queue.poll(1, TimeUnit.SECONDS);
        if (c == null) {
          if (!reader.isAlive() && queue.isEmpty()) {
            break;
          }
          continue;
        }
        if (c == END) {
          finished = true;
          break;
        }
        out.write(c.bytes(), 0, c.length());
        free.offer(c.bytes());
        written += c.length();
        meter.add(c.length());
      }
    } finally {
      if (!finished) {
        // The writer failed: stop the reader, which may be blocked on a full queue.
        reader.interrupt();
      }
      reader.join(TimeUnit.SECONDS.toMillis(30));
    }
    Throwable t = readError.get();
    if (t instanceof IOException io) {
      throw io;
    }
    if (t != null) {
      throw new IOException(
          "reading "
              + span.sourcePath()
              + ": "
              + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage()),
          t);
    }
    if (written != span.length()) {
      throw new IOException(
          "read "
              + written
              + " bytes of "
              + span.sourcePath()
              + " at "
              + span.offset()
              + " where "
              + span.length()
              + " were expected: the source file changed during the transfer");
    }
    return new Copied(
        written, Optional.ofNullable(sha).map(d -> HexFormat.of().formatHex(d.digest())));
  }

  private static OutputStream openPart(RemoteFiles destination, Span span) throws IOException {
    if (span.ranged()) {
      return destination.openWriteRange(span.partPath(), span.offset(), span.mode());
    }
    return span.offset() > 0
        ? destination.openWriteAt(span.partPath(), span.offset(), span.mode())
        : destination.openWrite(span.partPath(), false, span.mode());
  }

  private static void read(
      RemoteFiles source,
      Span span,
      MessageDigest digest,
      BlockingQueue<Chunk> queue,
      BlockingQueue<byte[]> free,
      AtomicReference<Throwable> error) {
    try (InputStream in = source.openRead(span.sourcePath(), span.offset())) {
      long remaining = span.length();
      while (remaining > 0) {
        byte[] buf = free.poll();
        if (buf == null) {
          buf = new byte[CHUNK];
        }
        int want = (int) Math.min(CHUNK, remaining);
        int n = 0;
        while (n < want) {
          int r = in.read(buf, n, want - n);
          if (r < 0) {
            break;
          }
          n += r;
        }
        if (n == 0) {
          break;
        }
        if (digest != null) {
          digest.update(buf, 0, n);
        }
        remaining -= n;
        queue.put(new Chunk(buf, n));
        if (n < want) {
          break;
        }
      }
    } catch (InterruptedException e) {
      error.compareAndSet(null, new InterruptedIOException("relay reader interrupted"));
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      error.compareAndSet(null, t);
    }
    // END only once the stream is closed: the writer may finish as soon as it sees END, and
    // closing an SFTP handle waits for the server's answer.
    if (error.get() == null) {
      try {
        queue.put(END);
      } catch (InterruptedException e) {
        error.compareAndSet(null, new InterruptedIOException("relay reader interrupted"));
        Thread.currentThread().interrupt();
      }
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}

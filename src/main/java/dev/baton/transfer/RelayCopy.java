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
 * so reading and writing overlap and memory stays at a few chunks whatever the file size. On
 * request the SHA-256 of the bytes read is computed on the way.
 */
final class RelayCopy {
  static final int CHUNK = 256 * 1024;
  static final int QUEUE_CHUNKS = 4;

  private record Chunk(byte[] bytes, int length) {}

  private static final Chunk END = new Chunk(new byte[0], 0);

  /** What the copy moved: byte count and, when asked for, the digest of exactly those bytes. */
  record Copied(long bytes, Optional<String> sha256OfBytes) {}

  private RelayCopy() {}

  /**
   * Copies {@code [offset, offset+length)} of {@code sourcePath} to the end of {@code partPath}
   * (appending when {@code offset > 0}, else truncating), digesting the bytes read when {@code
   * digest} is set.
   */
  static Copied copy(
      RemoteFiles source,
      String sourcePath,
      RemoteFiles destination,
      String partPath,
      long offset,
      long length,
      int mode,
      boolean digest,
      ProgressMeter meter)
      throws IOException, InterruptedException {
    MessageDigest sha = digest ? sha256() : null;
    BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    AtomicReference<Throwable> readError = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> read(source, sourcePath, offset, length, sha, queue, readError),
            "relay-read " + sourcePath);
    reader.setDaemon(true);
    long written = 0;
    boolean finished = false;
    try (OutputStream out =
        offset > 0
            ? destination.openWriteAt(partPath, offset, mode)
            : destination.openWrite(partPath, false, mode)) {
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
        written += c.length();
        meter.update(offset + written, false);
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
              + sourcePath
              + ": "
              + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage()),
          t);
    }
    if (written != length) {
      throw new IOException(
          "read "
              + written
              + " bytes of "
              + sourcePath
              + " where "
              + length
              + " were expected: the source file changed during the transfer");
    }
    meter.update(offset + written, true);
    return new Copied(
        written, Optional.ofNullable(sha).map(d -> HexFormat.of().formatHex(d.digest())));
  }

  private static void read(
      RemoteFiles source,
      String path,
      long offset,
      long length,
      MessageDigest digest,
      BlockingQueue<Chunk> queue,
      AtomicReference<Throwable> error) {
    try (InputStream in = source.openRead(path, offset)) {
      long remaining = length;
      while (remaining > 0) {
        byte[] buf = new byte[CHUNK];
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

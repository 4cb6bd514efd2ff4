package dev.baton.testkit;

import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.FileStat;
import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.RemoteFiles;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a real host connection to count the bytes read through its file API and to inject the
 * faults the transfer engine must survive: a connection that dies after N bytes read, a write path
 * that flips one byte, a host without digest tools.
 */
public final class FaultyRemote implements Remote {
  private final Remote delegate;
  private final AtomicLong bytesRead;
  private volatile long dropAfterBytes = -1;
  private volatile long corruptAtByte = -1;
  private volatile boolean noDigestTools;
  private volatile boolean unreadableForDd;

  public FaultyRemote(Remote delegate) {
    this.delegate = delegate;
    this.bytesRead = new AtomicLong();
  }

  /** Another connection with the same faults, counting into the same total of bytes read. */
  private FaultyRemote(Remote delegate, FaultyRemote like) {
    this.delegate = delegate;
    this.bytesRead = like.bytesRead;
    this.dropAfterBytes = like.dropAfterBytes;
    this.corruptAtByte = like.corruptAtByte;
    this.noDigestTools = like.noDigestTools;
    this.unreadableForDd = like.unreadableForDd;
  }

  @Override
  public Remote another() throws RemoteException {
    return new FaultyRemote(delegate.another(), this);
  }

  /** Reads fail as a lost connection once this many bytes were read in total. */
  public FaultyRemote dropAfter(long bytes) {
    this.dropAfterBytes = bytes;
    return this;
  }

  /** Writes flip the byte at this offset of each stream opened for writing. */
  public FaultyRemote corruptAt(long offset) {
    this.corruptAtByte = offset;
    return this;
  }

  /** The host has none of the digest tools (openssl, sha256sum, shasum): `command -v` fails. */
  public FaultyRemote withoutDigestTools() {
    this.noDigestTools = true;
    return this;
  }

  /** Every `dd if=FILE` a command runs reads a file that does not exist: dd exits 1. */
  public FaultyRemote withFailingDdReads() {
    this.unreadableForDd = true;
    return this;
  }

  public long bytesRead() {
    return bytesRead.get();
  }

  @Override
  public String host() {
    return delegate.host();
  }

  @Override
  public ExecResult exec(String commandLine, ExecOptions options) throws RemoteException {
    String line = commandLine;
    if (noDigestTools) {
      for (String tool : new String[] {"openssl", "sha256sum", "shasum"}) {
        line = line.replace("command -v " + tool, "false");
      }
    }
    if (unreadableForDd) {
      line = line.replace("dd if=", "dd if=/nonexistent/baton-test");
    }
    return delegate.exec(line, options);
  }

  @Override
  public RemoteFiles files() throws RemoteException {
    RemoteFiles f = delegate.files();
    return new RemoteFiles() {
      @Override
      public Optional<FileStat> stat(String path) throws IOException {
        return f.stat(path);
      }

      @Override
      public InputStream openRead(String path, long offset) throws IOException {
        return new FilterInputStream(f.openRead(path, offset)) {
          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            long limit = dropAfterBytes;
            if (limit >= 0) {
              long left = limit - bytesRead.get();
              if (left <= 0) {
                throw new IOException(
                    "connection lost",
                    new RemoteException(
                        RemoteException.Kind.CONNECTION_LOST, host(), "test dropped the session"));
              }
              len = (int) Math.min(len, left);
            }
            int n = super.read(b, off, len);
            if (n > 0) {
              bytesRead.addAndGet(n);
            }
            return n;
          }
        };
      }

      @Override
      public OutputStream openWrite(String path, boolean append, int mode) throws IOException {
        long corrupt = corruptAtByte;
        return corrupting(f.openWrite(path, append, mode), corrupt, 0);
      }

      @Override
      public OutputStream openWriteRange(String path, long offset, int mode) throws IOException {
        long corrupt = corruptAtByte;
        return corrupting(f.openWriteRange(path, offset, mode), corrupt, offset);
      }

      @Override
      public void rename(String from, String to) throws IOException {
        f.rename(from, to);
      }

      @Override
      public void mkdirs(String path, int mode) throws IOException {
        f.mkdirs(path, mode);
      }

      @Override
      public void delete(String path) throws IOException {
        f.delete(path);
      }

      @Override
      public void chmod(String path, int mode) throws IOException {
        f.chmod(path, mode);
      }

      @Override
      public long freeSpace(String path) throws IOException {
        return f.freeSpace(path);
      }
    };
  }

  @Override
  public void close() {
    delegate.close();
  }

  /**
   * {@code out}, flipping the byte at {@code corrupt} (counted like {@code start}, the position of
   * the first byte written), or {@code out} itself when {@code corrupt < 0}.
   */
  private static OutputStream corrupting(OutputStream out, long corrupt, long start) {
    if (corrupt < 0) {
      return out;
    }
    return new FilterOutputStream(out) {
      private long pos = start;

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (corrupt >= pos && corrupt < pos + len) {
          byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
          copy[(int) (corrupt - pos)] ^= 0x5a;
          out.write(copy);
        } else {
          out.write(b, off, len);
        }
        pos += len;
      }
    };
  }
}

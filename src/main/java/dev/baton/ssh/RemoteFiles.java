package dev.baton.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * File operations on one host. Paths are the host's absolute paths as strings. Failures are
 * ordinary {@link IOException}s ({@link java.nio.file.NoSuchFileException} where the file is
 * missing), except a dead session, which surfaces as an IOException whose cause is a {@link
 * RemoteException} of kind CONNECTION_LOST.
 */
public interface RemoteFiles {

  /** The file's attributes, or empty when nothing exists at that path. Does not follow links. */
  Optional<FileStat> stat(String path) throws IOException;

  /** Streams the file from {@code offset}; the caller closes the stream. */
  InputStream openRead(String path, long offset) throws IOException;

  /**
   * Opens the file for writing, creating it with {@code mode} if missing. With {@code append} the
   * bytes go after the current end (used to resume), else the file is truncated first.
   */
  OutputStream openWrite(String path, boolean append, int mode) throws IOException;

  /**
   * Opens an existing file for writing at byte {@code offset} (a resume point the caller proved),
   * not at its current end: a writer from a dead earlier session may still be extending it, and its
   * bytes must not shift ours. This default, for implementations without positioned writes, refuses
   * a file whose size is not {@code offset}.
   */
  default OutputStream openWriteAt(String path, long offset, int mode) throws IOException {
    long size = stat(path).map(FileStat::size).orElse(0L);
    if (size != offset) {
      throw new IOException(path + " is " + size + " bytes, not the " + offset + " to resume at");
    }
    return openWrite(path, offset > 0, mode);
  }

  /**
   * Opens the file for writing at byte {@code offset}, creating it with {@code mode} when missing
   * and never truncating it: bytes outside what this stream writes stay as they are, so several
   * streams can fill disjoint ranges of one file at once (a sparse file until every range is in).
   */
  OutputStream openWriteRange(String path, long offset, int mode) throws IOException;

  /** Atomically replaces {@code to} with {@code from} (POSIX rename). */
  void rename(String from, String to) throws IOException;

  /** Creates the directory and its missing parents with {@code mode}; no error if it exists. */
  void mkdirs(String path, int mode) throws IOException;

  /** Removes a file or an empty directory; no error if nothing is there. */
  void delete(String path) throws IOException;

  /** Sets permission bits. */
  void chmod(String path, int mode) throws IOException;

  /** Bytes free for an unprivileged writer on the file system holding {@code path}. */
  long freeSpace(String path) throws IOException;
}

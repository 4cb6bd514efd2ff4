package dev.baton.transfer;

import dev.baton.ssh.FileStat;
import dev.baton.ssh.RemoteFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which ranges of a {@code .part} are complete, kept beside it on the destination as {@code
 * <part>.ranges}: the streams of a ranged transfer fill the part out of order, so its size no
 * longer says how much arrived. A resume moves only the ranges not listed.
 *
 * <pre>
 * baton-ranges 1 size=1073741824 mtime=1765152000
 * 0 67108864
 * 134217728 67108864
 * </pre>
 *
 * The first line names the source file it describes (size and modification time); a log of another
 * source file is ignored and the part starts afresh. A range is appended only after its stream was
 * closed, that is after the destination's SFTP server acknowledged every write of it. A line cut
 * short by a lost link is ignored. Nothing here is trusted for the result: the whole file is
 * digested on both hosts before it is renamed into place, as for every transfer.
 *
 * <p>The log lives on the destination rather than in baton's journal because it describes the bytes
 * of a file there: it goes with the part if the resume runs from another jump host, and it is
 * removed with the part when a verification fails.
 */
final class RangeLog implements AutoCloseable {
  static final String SUFFIX = ".ranges";
  private static final String MAGIC = "baton-ranges 1";

  /** {@code [offset, offset+length)} of the file. */
  record Range(long offset, long length) {
    long end() {
      return offset + length;
    }

    String line() {
      return offset + " " + length + "\n";
    }
  }

  private final RemoteFiles files;
  private final String path;

  /**
   * Open for appending from the first finished range to {@link #close}: one SFTP write per range
   * instead of an open, a stat and a close, which cost round trips that a long link makes dear.
   */
  private OutputStream out;

  private RangeLog(RemoteFiles files, String path) {
    this.files = files;
    this.path = path;
  }

  static String pathOf(String part) {
    return part + SUFFIX;
  }

  private static String header(FileStat source) {
    return MAGIC + " size=" + source.size() + " mtime=" + source.mtimeEpochSeconds() + "\n";
  }

  /**
   * The ranges a log beside {@code part} lists as complete, merged and sorted; empty when there is
   * no log, it describes another source file, or the part is missing or shorter than a listed
   * range's end.
   */
  static Optional<List<Range>> read(RemoteFiles files, String part, FileStat source)
      throws IOException {
    Optional<FileStat> log = files.stat(pathOf(part));
    if (log.isEmpty() || !log.get().isFile()) {
      return Optional.empty(); // the usual case: one round trip, not two
    }
    Optional<FileStat> partStat = files.stat(part);
    if (partStat.isEmpty() || !partStat.get().isFile()) {
      return Optional.empty();
    }
    String text;
    try (InputStream in = files.openRead(pathOf(part), 0)) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      text = buf.toString(StandardCharsets.US_ASCII);
    }
    return parse(text, source, partStat.get().size());
  }

  static Optional<List<Range>> parse(String text, FileStat source, long partSize) {
    if (!text.startsWith(header(source))) {
      return Optional.empty();
    }
    List<Range> ranges = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    // The last element follows the last newline: empty, or a line cut short.
    for (int i = 1; i < lines.length - 1; i++) {
      String[] f = lines[i].split(" ");
      if (f.length != 2 || !f[0].matches("[0-9]{1,19}") || !f[1].matches("[0-9]{1,19}")) {
        continue;
      }
      Range r = new Range(Long.parseLong(f[0]), Long.parseLong(f[1]));
      if (r.length() <= 0 || r.end() > source.size() || r.end() > partSize) {
        return Optional.empty(); // not a log this transfer wrote for this part
      }
      ranges.add(r);
    }
    return Optional.of(merge(ranges));
  }

  /** Sorted, with touching and overlapping ranges joined. */
  static List<Range> merge(List<Range> ranges) {
    List<Range> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(Range::offset));
    List<Range> out = new ArrayList<>();
    for (Range r : sorted) {
      if (!out.isEmpty() && out.get(out.size() - 1).end() >= r.offset()) {
        Range last = out.remove(out.size() - 1);
        long end = Math.max(last.end(), r.end());
        out.add(new Range(last.offset(), end - last.offset()));
      } else {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * The ranges cut to {@code block} boundaries (a range's start rounded up, its end rounded down,
   * except an end at the file's {@code size}); ranges left empty are dropped.
   */
  static List<Range> trim(List<Range> ranges, long block, long size) {
    List<Range> out = new ArrayList<>();
    for (Range r : ranges) {
      long start = (r.offset() + block - 1) / block * block;
      long end = r.end() == size ? size : r.end() / block * block;
      if (end > start) {
        out.add(new Range(start, end - start));
      }
    }
    return out;
  }

  /** Bytes the ranges cover (they do not overlap once merged). */
  static long covered(List<Range> merged) {
    return merged.stream().mapToLong(Range::length).sum();
  }

  /**
   * What is missing from a file of {@code size} bytes when {@code done} (merged) is there, cut in
   * ranges of at most {@code rangeBytes}, in file order.
   */
  static List<Range> missing(List<Range> done, long size, long rangeBytes) {
    List<Range> todo = new ArrayList<>();
    long at = 0;
    for (Range d : done) {
      cut(at, d.offset(), rangeBytes, todo);
      at = Math.max(at, d.end());
    }
    cut(at, size, rangeBytes, todo);
    return todo;
  }

  private static void cut(long from, long to, long rangeBytes, List<Range> into) {
    for (long o = from; o < to; o += rangeBytes) {
      into.add(new Range(o, Math.min(rangeBytes, to - o)));
    }
  }

  /**
   * Starts a log for {@code source} listing {@code done} (a proven prefix, or nothing), after
   * truncating the part to what {@code done} covers: a part that is not listed is not trusted, and
   * bytes past the end of the new file must not survive into it.
   */
  static RangeLog start(RemoteFiles files, String part, FileStat source, List<Range> done, int mode)
      throws IOException {
    if (done.isEmpty()) {
      files.openWrite(part, false, mode).close();
    }
    StringBuilder text = new StringBuilder(header(source));
    done.forEach(r -> text.append(r.line()));
    try (OutputStream out = files.openWrite(pathOf(part), false, 0600)) {
      out.write(text.toString().getBytes(StandardCharsets.US_ASCII));
    }
    return new RangeLog(files, pathOf(part));
  }

  /** Continues the log that {@link #read} found. */
  static RangeLog resume(RemoteFiles files, String part) {
    return new RangeLog(files, pathOf(part));
  }

  /**
   * Records that {@code r} is complete on the destination. The line is sent at once; a line the
   * destination never received only makes a resume move that range again.
   */
  synchronized void finished(Range r) throws IOException {
    if (out == null) {
      out = files.openWrite(path, true, 0600);
    }
    out.write(r.line().getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Waits for the destination to acknowledge every line sent. */
  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      OutputStream o = out;
      out = null;
      o.close();
    }
  }

  /** Removes the log (once the part was renamed into place or removed); best effort. */
  static void remove(RemoteFiles files, String part) {
    try {
      files.delete(pathOf(part)); // no stat first: a missing log is the usual case, and ignored
    } catch (IOException e) {
      // None there, or a stale log that the next transfer ignores: it names a part that no
      // longer exists.
    }
  }
}

package dev.baton.transfer;

import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Moves the missing ranges of one file over several streams at once. Each stream is a pair of
 * connections of its own (source and destination, {@link Remote#another()}; the first stream uses
 * the task's own), so each has its own TCP connection, SSH window, SFTP pipeline and cipher
 * threads: one stream across a long link is bound by its window and its outstanding requests, not
 * by the link, and N streams carry about N times as much. The streams take ranges from one queue in
 * file order, so a fast stream simply takes more of them; each range is written at its offset of
 * the part and recorded in the {@link RangeLog} once the destination acknowledged it.
 *
 * <p>After the first failure no stream starts another range; the ranges already running finish (and
 * are recorded) when they can, then the first failure is thrown: a lost link leaves as much
 * recorded as possible for the retry or {@code baton resume}. A stream that cannot open its extra
 * connections (a host that limits logins, say) is left out; the others carry its share.
 */
final class RangedCopy {
  private RangedCopy() {}

  /** What the streams did. */
  record Result(long bytes, int streamsUsed, List<String> notes) {}

  static Result copy(
      TransferRequest req,
      String part,
      int mode,
      List<RangeLog.Range> todo,
      int streams,
      RangeLog log,
      ProgressMeter meter)
      throws IOException, RemoteException, InterruptedException {
    ConcurrentLinkedQueue<RangeLog.Range> queue = new ConcurrentLinkedQueue<>(todo);
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicLong bytes = new AtomicLong();
    AtomicLong used = new AtomicLong();
    List<String> notes = Collections.synchronizedList(new ArrayList<>());
    int n = Math.max(1, Math.min(streams, todo.size()));
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int stream = i;
      Thread t =
          new Thread(
              () -> {
                Remote src = null;
                Remote dst = null;
                try {
                  if (stream == 0) {
                    src = req.source();
                    dst = req.destination();
                  } else {
                    try {
                      src = req.source().another();
                      dst = req.destination().another();
                    } catch (RemoteException e) {
                      notes.add("stream " + (stream + 1) + " left out: " + e.getMessage());
                      return;
                    }
                  }
                  used.incrementAndGet();
                  run(src, dst, req.sourcePath(), part, mode, queue, failure, log, bytes, meter);
                } finally {
                  if (stream > 0) {
                    closeQuietly(src);
                    closeQuietly(dst);
                  }
                }
              },
              "transfer-stream-" + (i + 1));
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    try {
      for (Thread t : workers) {
        t.join();
      }
    } catch (InterruptedException e) {
      workers.forEach(Thread::interrupt);
      throw e;
    }
    Exception first = failure.get();
    if (first instanceof RemoteException re) {
      throw re;
    }
    if (first instanceof IOException io) {
      throw io;
    }
    if (first instanceof InterruptedException ie) {
      throw ie;
    }
    if (first != null) {
      throw new IOException(String.valueOf(first), first);
    }
    if (!queue.isEmpty()) {
      throw new IOException("no stream could copy: " + String.join("; ", notes));
    }
    return new Result(bytes.get(), (int) used.get(), List.copyOf(notes));
  }

  private static void run(
      Remote src,
      Remote dst,
      String sourcePath,
      String part,
      int mode,
      ConcurrentLinkedQueue<RangeLog.Range> queue,
      AtomicReference<Exception> failure,
      RangeLog log,
      AtomicLong bytes,
      ProgressMeter meter) {
    RangeLog.Range r;
    while (failure.get() == null && (r = queue.poll()) != null) {
      try {
        RelayCopy.Span span =
            new RelayCopy.Span(sourcePath, part, r.offset(), r.length(), mode, true);
        RelayCopy.copy(src.files(), dst.files(), span, false, meter);
        log.finished(r);
        bytes.addAndGet(r.length());
      } catch (IOException | RemoteException | InterruptedException e) {
        failure.compareAndSet(null, e);
        queue.add(r); // not done: the queue says what is left
        return;
      } catch (RuntimeException e) {
        failure.compareAndSet(null, new IOException("stream failed: " + e, e));
        return;
      }
    }
  }

  private static void closeQuietly(Remote r) {
    if (r != null) {
      r.close();
    }
  }
}

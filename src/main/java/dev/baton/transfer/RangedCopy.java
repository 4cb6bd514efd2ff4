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
 * Moves the missing ranges of one file over several streams at once. The streams take ranges from
 * one queue in file order, so a fast stream simply takes more of them; each range is written at its
 * offset of the part and recorded in the {@link RangeLog} once the destination has it.
 *
 * <p>A relay stream ({@link #relay}) is a pair of connections of its own (source and destination,
 * {@link Remote#another()}; the first stream uses the task's own), so each has its own TCP
 * connection, SSH window, SFTP pipeline and cipher threads: one stream across a long link is bound
 * by its window and its outstanding requests, not by the link, and N streams carry about N times as
 * much. A direct stream ({@link #direct}) is one command on the source host that sends its range
 * with the source's own ssh client ({@link DirectPush#rangeCommandLine}).
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

  /** Moves ranges, one after the other, in the thread of its stream. */
  interface Stream extends AutoCloseable {
    void move(RangeLog.Range r) throws IOException, RemoteException, InterruptedException;

    @Override
    void close();
  }

  /** Opens stream {@code index} (0 first) in that stream's thread. */
  @FunctionalInterface
  interface Streams {
    Stream open(int index) throws RemoteException;
  }

  /** Streams that relay through baton over SFTP, each over connections of its own. */
  static Streams relay(TransferRequest req, String part, int mode, ProgressMeter meter) {
    return index -> {
      Remote src = index == 0 ? req.source() : req.source().another();
      Remote dst;
      try {
        dst = index == 0 ? req.destination() : req.destination().another();
      } catch (RemoteException e) {
        if (index > 0) {
          src.close();
        }
        throw e;
      }
      return new Stream() {
        @Override
        public void move(RangeLog.Range r)
            throws IOException, RemoteException, InterruptedException {
          RelayCopy.Span span =
              new RelayCopy.Span(req.sourcePath(), part, r.offset(), r.length(), mode, true);
          RelayCopy.copy(src.files(), dst.files(), span, false, meter);
        }

        @Override
        public void close() {
          if (index > 0) {
            src.close();
            dst.close();
          }
        }
      };
    };
  }

  /** Streams that are commands on the source host, each sending its range with ssh. */
  static Streams direct(TransferRequest req, String part, ProgressMeter meter) {
    return index ->
        new Stream() {
          @Override
          public void move(RangeLog.Range r) throws IOException, RemoteException {
            DirectPush.pushRange(req, part, r);
            meter.add(r.length());
          }

          @Override
          public void close() {}
        };
  }

  static Result copy(List<RangeLog.Range> todo, int streams, Streams opener, RangeLog log)
      throws IOException, RemoteException, InterruptedException {
    ConcurrentLinkedQueue<RangeLog.Range> queue = new ConcurrentLinkedQueue<>(todo);
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicLong bytes = new AtomicLong();
    AtomicLong used = new AtomicLong();
    List<String> notes = Collections.synchronizedList(new ArrayList<>());
    int n = Math.max(1, Math.min(streams, todo.size()));
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      Thread t =
          new Thread(
              () -> {
                Stream stream;
                try {
                  stream = opener.open(index);
                } catch (RemoteException e) {
                  if (index == 0) {
                    failure.compareAndSet(null, e);
                  } else {
                    notes.add("stream " + (index + 1) + " left out: " + e.getMessage());
                  }
                  return;
                }
                try (stream) {
                  used.incrementAndGet();
                  run(stream, queue, failure, log, bytes);
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
      Stream stream,
      ConcurrentLinkedQueue<RangeLog.Range> queue,
      AtomicReference<Exception> failure,
      RangeLog log,
      AtomicLong bytes) {
    RangeLog.Range r;
    while (failure.get() == null && (r = queue.poll()) != null) {
      try {
        stream.move(r);
        log.finished(r);
        bytes.addAndGet(r.length());
      } catch (IOException | RemoteException | InterruptedException e) {
        failure.compareAndSet(null, e);
        queue.add(r); // not done: the queue says what is left
        return;
      } catch (RuntimeException e) {
        // A defect, not a link: its type says more than its message alone.
        failure.compareAndSet(
            null,
            new IOException(
                "stream failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e));
        return;
      }
    }
  }
}

package dev.baton.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay that makes a target look as if it sat across a slow WAN link, for kernels without
 * {@code tc netem}. Listens on 127.0.0.1 (ephemeral port) and forwards to one fixed target.
 *
 * <p>Model: every chunk read from one side is written to the other side {@code oneWayDelay} after
 * it arrived, in order, so each request/response exchange costs one extra round trip of {@code 2 *
 * oneWayDelay}. A new connection waits one round trip before the relay connects upstream, standing
 * in for the TCP handshake over the slow link. An optional {@link #bandwidth} paces each direction;
 * loss and reordering are not modelled.
 *
 * <p>Bounded: at most {@link #MAX_CONNECTIONS} connections at a time (more are closed at once) and
 * at most {@link #BYTES_IN_FLIGHT} bytes in flight per direction (the reader waits when the queue
 * is full). {@link #close()} stops the listener and every connection.
 */
public final class DelayRelay implements AutoCloseable {
  static final int MAX_CONNECTIONS = 64;
  static final int CHUNK = 64 * 1024;

  /**
   * What one direction of one connection holds while it delays: a long fat link's bandwidth-delay
   * product (8 MiB: 400 MiB/s at +40 ms), counted in bytes, not in reads, so that a sender whose
   * segments arrive one by one is not limited to a few reads per round trip (a bound of 64 reads
   * held this relay near 35 MiB/s at +40 ms whatever the streams above it).
   */
  static final int BYTES_IN_FLIGHT = 8 << 20;

  private final InetSocketAddress target;
  private final long delayNanos;
  private volatile long bytesPerSecond;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final List<Socket> sockets = new ArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  private int open;
  private boolean closed;

  private DelayRelay(InetSocketAddress target, Duration oneWayDelay, InetAddress bind)
      throws IOException {
    this.target = target;
    this.delayNanos = oneWayDelay.toNanos();
    this.listener = new ServerSocket(0, 50, bind);
    this.acceptor = new Thread(this::acceptLoop, "delay-relay-accept-" + port());
    acceptor.setDaemon(true);
  }

  /** Starts a relay to {@code target} that delays each direction by {@code oneWayDelay}. */
  public static DelayRelay start(InetSocketAddress target, Duration oneWayDelay) {
    return start(target, oneWayDelay, InetAddress.getLoopbackAddress());
  }

  /**
   * As {@link #start(InetSocketAddress, Duration)}, listening on {@code bind}: the hosts' gateway
   * ({@link OpenSshHosts#gateway()}) lets the other hosts reach the target through the relay too.
   */
  public static DelayRelay start(InetSocketAddress target, Duration oneWayDelay, InetAddress bind) {
    if (oneWayDelay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + oneWayDelay);
    }
    try {
      DelayRelay relay = new DelayRelay(target, oneWayDelay, bind);
      relay.acceptor.start();
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for a relay to " + target, e);
    }
  }

  /**
   * Limits each direction of each connection to {@code bytesPerSecond} from now on (0 = no limit,
   * the default): a link that is narrow as well as long.
   */
  public void bandwidth(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bandwidth must not be negative: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Where clients connect: the address it listens on (127.0.0.1 by default) and its port. */
  public InetSocketAddress address() {
    return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
  }

  public int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (!admit(client)) {
        closeQuietly(client);
        continue;
      }
      spawn(() -> relay(client), "delay-relay-" + client.getPort());
    }
  }

  private synchronized boolean admit(Socket client) {
    if (closed || open >= MAX_CONNECTIONS) {
      return false;
    }
    open++;
    sockets.add(client);
    return true;
  }

  private void relay(Socket client) {
    Socket upstream = new Socket();
    try {
      register(upstream);
      sleepNanos(2 * delayNanos); // the TCP handshake's round trip over the slow link
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      upstream.connect(target, 10_000);
      Thread up = pump(client, upstream, "up");
      Thread down = pump(upstream, client, "down");
      up.join();
      down.join();
    } catch (IOException | InterruptedException e) {
      // Target unreachable or relay closing: the client sees its connection closed.
    } finally {
      closeQuietly(client);
      closeQuietly(upstream);
      synchronized (this) {
        open--;
        sockets.remove(client);
        sockets.remove(upstream);
      }
    }
  }

  /** Copies from → to, releasing each chunk delayNanos after it was read; EOF half-closes. */
  private Thread pump(Socket from, Socket to, String direction) {
    BlockingQueue<Chunk> queue = new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.Semaphore room = new java.util.concurrent.Semaphore(BYTES_IN_FLIGHT);
    Thread reader =
        spawn(
            () -> {
              byte[] buffer = new byte[CHUNK];
              // Not try-with-resources: closing a socket's stream closes the whole socket,
              // and the other direction may still be flowing after this one's EOF.
              try {
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  long arrived = System.nanoTime();
                  room.acquire(n);
                  queue.put(new Chunk(arrived + delayNanos, Arrays.copyOf(buffer, n)));
                }
              } catch (IOException e) {
                // Treated like EOF: the writer finishes what it has and half-closes.
              } catch (InterruptedException e) {
                return; // the writer has stopped (it interrupts its reader): nobody to tell
              }
              try {
                queue.put(new Chunk(System.nanoTime() + delayNanos, null));
              } catch (InterruptedException e) {
                // The writer stopped meanwhile.
              }
            },
            "delay-relay-read-" + direction);
    return spawn(
        () -> {
          try {
            OutputStream out = to.getOutputStream();
            while (true) {
              Chunk chunk = queue.take();
              sleepNanos(chunk.due - System.nanoTime());
              if (chunk.data == null) {
                to.shutdownOutput();
                return;
              }
              out.write(chunk.data);
              out.flush();
              room.release(chunk.data.length);
              long rate = bytesPerSecond;
              if (rate > 0) {
                sleepNanos(chunk.data.length * 1_000_000_000L / rate);
              }
            }
          } catch (IOException | InterruptedException e) {
            // The other side went away; closing both sockets ends the reader too.
            closeQuietly(from);
            closeQuietly(to);
          } finally {
            reader.interrupt();
          }
        },
        "delay-relay-write-" + direction);
  }

  private record Chunk(long due, byte[] data) {}

  private synchronized void register(Socket socket) throws SocketException {
    if (closed) {
      throw new SocketException("relay closed");
    }
    sockets.add(socket);
  }

  private synchronized Thread spawn(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    workers.removeIf(t -> !t.isAlive());
    workers.add(thread);
    thread.start();
    return thread;
  }

  /** Stops listening, closes every relayed connection and waits for the relay's threads. */
  @Override
  public void close() {
    List<Thread> threads;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      closeQuietly(listener);
      sockets.forEach(DelayRelay::closeQuietly);
      sockets.clear();
      threads = new ArrayList<>(workers);
    }
    threads.add(acceptor);
    for (Thread thread : threads) {
      thread.interrupt();
    }
    for (Thread thread : threads) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void sleepNanos(long nanos) throws InterruptedException {
    if (nanos > 0) {
      TimeUnit.NANOSECONDS.sleep(nanos);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing is best effort here; nothing useful to do with a failure.
    }
  }
}

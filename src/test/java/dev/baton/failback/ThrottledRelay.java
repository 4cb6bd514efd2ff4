package dev.baton.failback;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of a lab host's SSH port that limits the bandwidth of each direction (a slow
 * WAN link) and can cut every connection at once (a link that drops). Listens on 127.0.0.1.
 */
final class ThrottledRelay implements AutoCloseable {
  private static final int CHUNK = 8 * 1024;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final AtomicLong bytesPerSecond;
  private final List<Socket> sockets = new ArrayList<>();
  private final Thread acceptor;

  ThrottledRelay(InetSocketAddress target, long bytesPerSecond) throws IOException {
    this.target = target;
    this.bytesPerSecond = new AtomicLong(bytesPerSecond);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "throttled-relay-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** 0 = unlimited. */
  void rate(long bytesPerSecond) {
    this.bytesPerSecond.set(bytesPerSecond);
  }

  /** Closes every relayed connection without a goodbye, as a dropped link would. */
  synchronized void cut() {
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0);
        s.close();
      } catch (IOException ignored) {
        // Already gone.
      }
    }
    sockets.clear();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket upstream = new Socket();
        upstream.connect(target, 10_000);
        synchronized (this) {
          sockets.add(client);
          sockets.add(upstream);
        }
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        if (listener.isClosed()) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) throws IOException {
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[CHUNK];
              try {
                int n;
                while ((n = in.read(buf)) > 0) {
                  out.write(buf, 0, n);
                  out.flush();
                  long rate = bytesPerSecond.get();
                  if (rate > 0) {
                    Thread.sleep(Math.max(1, n * 1000L / rate));
                  }
                }
              } catch (IOException | InterruptedException e) {
                // The other side or cut() closed the connection.
              } finally {
                close(from);
                close(to);
              }
            },
            "throttled-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Closing is all that is left to do.
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // Closing.
    }
    cut();
  }
}

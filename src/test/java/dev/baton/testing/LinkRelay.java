package dev.baton.testing;

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
 * A TCP relay in front of one target that a test can make narrow ({@link #rate}), drop ({@link
 * #dropConnections}: every relayed connection reset, new ones still accepted), cut ({@link #cut}:
 * reset and nothing accepted, the network is gone) and restore (listening again on the same port).
 */
public final class LinkRelay implements AutoCloseable {
  /** Bytes per read: small enough that a rate limit paces smoothly. */
  private static final int CHUNK = 8 * 1024;

  private final InetSocketAddress target;
  private final InetAddress bind;
  private final int port;
  private final AtomicLong bytesPerSecond = new AtomicLong();
  private final List<Socket> sockets = new ArrayList<>();
  private ServerSocket listener;

  /** A relay on 127.0.0.1. */
  public LinkRelay(InetSocketAddress target) throws IOException {
    this(InetAddress.getLoopbackAddress(), target);
  }

  /**
   * A relay listening on {@code bind} (e.g. {@link OpenSshHosts#gateway()}, which every lab host
   * reaches), on a port chosen now and kept across {@link #cut()} and {@link #restore()}.
   */
  public LinkRelay(InetAddress bind, InetSocketAddress target) throws IOException {
    this.target = target;
    this.bind = bind;
    ServerSocket probe = new ServerSocket(0, 50, bind);
    this.port = probe.getLocalPort();
    probe.close();
    restore();
  }

  public int port() {
    return port;
  }

  /** Limits each direction of each connection to {@code bytesPerSecond} from now on; 0 = none. */
  public void rate(long bytesPerSecond) {
    this.bytesPerSecond.set(bytesPerSecond);
  }

  /** Listens again (a no-op while up): new connections are relayed. */
  public synchronized void restore() throws IOException {
    if (listener != null) {
      return;
    }
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new InetSocketAddress(bind, port));
    listener = ss;
    Thread t = new Thread(() -> accept(ss), "link-relay-" + port);
    t.setDaemon(true);
    t.start();
  }

  /** Stops listening and drops every relayed connection. */
  public synchronized void cut() {
    if (listener != null) {
      close(listener);
      listener = null;
    }
    dropConnections();
  }

  /** Resets every relayed connection without a goodbye, as a dropped link would. */
  public synchronized void dropConnections() {
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0);
      } catch (IOException alreadyClosed) {
        // closed below all the same
      }
      close(s);
    }
    sockets.clear();
  }

  private void accept(ServerSocket ss) {
    while (!ss.isClosed()) {
      try {
        Socket in = ss.accept();
        Socket out = new Socket();
        out.connect(target, 5000);
        synchronized (this) {
          sockets.add(in);
          sockets.add(out);
        }
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        // cut, or the target is down: the client sees its connection fail
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[CHUNK];
              try (InputStream i = from.getInputStream();
                  OutputStream o = to.getOutputStream()) {
                int n;
                while ((n = i.read(buf)) > 0) {
                  o.write(buf, 0, n);
                  o.flush();
                  long rate = bytesPerSecond.get();
                  if (rate > 0) {
                    Thread.sleep(Math.max(1, n * 1000L / rate));
                  }
                }
              } catch (IOException | InterruptedException e) {
                // one side closed, or the link was dropped
              } finally {
                close(from);
                close(to);
              }
            },
            "link-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void close(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    cut();
  }
}

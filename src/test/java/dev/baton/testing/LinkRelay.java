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

/**
 * A TCP relay between a replication server and its agent that a test can cut (every connection
 * closed, nothing accepted: the network is gone) and restore (listening again on the same port).
 */
public final class LinkRelay implements AutoCloseable {
  private final InetSocketAddress target;
  private final InetAddress bind;
  private final int port;
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

  /** Closes the listener and every relayed connection. */
  public synchronized void cut() {
    if (listener != null) {
      close(listener);
      listener = null;
    }
    sockets.forEach(LinkRelay::close);
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
        // cut, or the target is down: the server sees its connection fail
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[65536];
              try (InputStream i = from.getInputStream();
                  OutputStream o = to.getOutputStream()) {
                int n;
                while ((n = i.read(buf)) > 0) {
                  o.write(buf, 0, n);
                  o.flush();
                }
              } catch (IOException e) {
                // one side closed
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

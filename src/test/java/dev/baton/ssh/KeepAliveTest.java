package dev.baton.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ssh.RemoteException.Kind;
import dev.baton.testing.TestHosts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A peer that goes silent without closing the TCP connection (a dead router, a frozen VM) is
 * detected by keepalives: the running command fails with CONNECTION_LOST instead of hanging.
 */
class KeepAliveTest {
  @RegisterExtension final TestHosts hosts = TestHosts.withHosts(1);

  /** Forwards TCP to the host until frozen, then swallows everything without closing. */
  private static final class FreezingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;

    FreezingProxy(String host, int port) throws IOException {
      server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
      Thread acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(host, port);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void pump(Socket from, Socket to) {
      Thread t =
          new Thread(
              () -> {
                byte[] buffer = new byte[16384];
                try (InputStream in = from.getInputStream()) {
                  OutputStream out = to.getOutputStream();
                  int n;
                  while ((n = in.read(buffer)) >= 0) {
                    if (!frozen) {
                      out.write(buffer, 0, n);
                      out.flush();
                    }
                  }
                } catch (IOException e) {
                  // Closed by close().
                }
              });
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    void freeze() {
      frozen = true;
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  void aSilentPeerIsDetectedByKeepalivesAsConnectionLost() throws Exception {
    try (FreezingProxy proxy = new FreezingProxy(hosts.address(0), hosts.port(0))) {
      // The host is reached as 127.0.0.1:<proxy port>, so that is the name known_hosts needs.
      java.nio.file.Path knownHosts = hosts.dir().resolve("proxy_known_hosts");
      java.nio.file.Files.writeString(
          knownHosts,
          "[127.0.0.1]:"
              + proxy.port()
              + " "
              + dev.baton.lab.SshKeys.publicKeyLine(hosts.host(0).hostPublicKey())
              + "\n");
      try (SshConnector viaProxy =
              new SshConnector(
                  SshConnector.Settings.isolated(knownHosts)
                      .withKeepAlive(Duration.ofMillis(250)));
          Remote r =
              viaProxy.connect(hosts.spec(0).withAddress("127.0.0.1").withPort(proxy.port()))) {
        assertThat(r.exec("echo up", ExecOptions.DEFAULT).stdout()).isEqualTo("up\n");
        CompletableFuture<Object> running =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return r.exec("sleep 60", ExecOptions.DEFAULT);
                  } catch (RemoteException e) {
                    return e;
                  }
                });
        Thread.sleep(300);
        proxy.freeze();
        Object outcome;
        try {
          outcome = running.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          throw new AssertionError(e);
        }
        assertThat(outcome)
            .isInstanceOfSatisfying(
                RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONNECTION_LOST));
      }
    }
  }
}

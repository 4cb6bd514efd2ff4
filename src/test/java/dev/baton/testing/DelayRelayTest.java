package dev.baton.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DelayRelayTest {
  private ServerSocket echo;
  private Thread echoThread;

  /** A plain echo server: everything a connection sends comes back, then EOF. */
  @BeforeEach
  void startEchoServer() throws IOException {
    echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    echoThread =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try (Socket s = echo.accept();
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream()) {
                  in.transferTo(out);
                } catch (IOException e) {
                  // closed
                }
              }
            },
            "echo");
    echoThread.setDaemon(true);
    echoThread.start();
  }

  @AfterEach
  void stopEchoServer() throws Exception {
    echo.close();
    echoThread.join(5_000);
  }

  @Test
  void aRoundTripThroughTheRelayTakesAtLeastTwiceTheDelay() throws IOException {
    Duration delay = Duration.ofMillis(150);
    try (DelayRelay relay = DelayRelay.start(echoAddress(), delay);
        Socket client = new Socket()) {
      client.connect(relay.address(), 5_000);
      client.setTcpNoDelay(true);
      long start = System.nanoTime();
      client.getOutputStream().write("ping\n".getBytes());
      byte[] back = new byte[5];
      new DataInputStream(client.getInputStream()).readFully(back);
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(new String(back)).isEqualTo("ping\n");
      // Relay function, not performance: one exchange must include both one-way delays.
      assertThat(elapsedMillis).isGreaterThanOrEqualTo(2 * delay.toMillis());
    }
  }

  @Test
  void bytesArriveUnchangedAndInOrderWithEofPassedOn() throws Exception {
    byte[] payload = new byte[3 * 1024 * 1024];
    new Random(42).nextBytes(payload);
    try (DelayRelay relay = DelayRelay.start(echoAddress(), Duration.ofMillis(5));
        Socket client = new Socket()) {
      client.connect(relay.address(), 5_000);
      Thread writer =
          new Thread(
              () -> {
                try {
                  client.getOutputStream().write(payload);
                  client.shutdownOutput();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      writer.start();
      byte[] back = client.getInputStream().readAllBytes(); // ends only if EOF came through
      writer.join(10_000);
      assertThat(back.length).isEqualTo(payload.length);
      assertThat(sha256(back)).isEqualTo(sha256(payload));
    }
  }

  @Test
  void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
    java.util.List<Socket> clients = new java.util.ArrayList<>();
    try (ServerSocket sink = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        DelayRelay relay =
            DelayRelay.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), sink.getLocalPort()),
                Duration.ZERO)) {
      for (int i = 0; i < DelayRelay.MAX_CONNECTIONS + 1; i++) {
        Socket client = new Socket();
        clients.add(client);
        client.connect(relay.address(), 5_000);
        client.setSoTimeout(5_000);
      }
      Socket refused = clients.get(clients.size() - 1);
      assertThat(refused.getInputStream().read()).as("the connection over the limit").isEqualTo(-1);
      Socket admitted = clients.get(0);
      admitted.setSoTimeout(300);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> admitted.getInputStream().read())
          .as("an admitted connection stays open")
          .isInstanceOf(java.net.SocketTimeoutException.class);
    } finally {
      for (Socket client : clients) {
        client.close();
      }
    }
  }

  @Test
  void closeStopsListening() throws IOException {
    DelayRelay relay = DelayRelay.start(echoAddress(), Duration.ofMillis(1));
    InetSocketAddress address = relay.address();
    relay.close();
    try (Socket client = new Socket()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.connect(address, 2_000))
          .isInstanceOf(IOException.class);
    }
  }

  private InetSocketAddress echoAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort());
  }

  private static byte[] sha256(byte[] data) throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }
}

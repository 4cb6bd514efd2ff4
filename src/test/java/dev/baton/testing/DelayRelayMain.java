package dev.baton.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link DelayRelay} for shell scripts (bench/wan.sh): a long link in front of one host.
 *
 * <pre>
 * java -cp ... dev.baton.testing.DelayRelayMain TARGET_ADDRESS TARGET_PORT ONE_WAY_MS BIND_ADDRESS \
 *     PORT_FILE [BYTES_PER_SECOND] &amp;
 * </pre>
 *
 * Writes the port it listens on to PORT_FILE once it accepts connections, then relays until
 * SIGTERM/SIGINT.
 */
public final class DelayRelayMain {
  private DelayRelayMain() {}

  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    if (a.size() < 5) {
      System.err.println(
          "usage: DelayRelayMain TARGET_ADDRESS TARGET_PORT ONE_WAY_MS BIND_ADDRESS PORT_FILE"
              + " [BYTES_PER_SECOND]");
      System.exit(2);
    }
    DelayRelay relay =
        DelayRelay.start(
            new InetSocketAddress(a.get(0), Integer.parseInt(a.get(1))),
            Duration.ofMillis(Long.parseLong(a.get(2))),
            InetAddress.getByName(a.get(3)));
    if (a.size() > 5) {
      relay.bandwidth(Long.parseLong(a.get(5)));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(relay::close));
    Path portFile = Path.of(a.get(4));
    Path tmp = Path.of(portFile + ".tmp");
    Files.writeString(tmp, relay.port() + "\n");
    Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    new CountDownLatch(1).await();
  }
}

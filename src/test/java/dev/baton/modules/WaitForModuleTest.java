package dev.baton.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WaitForModuleTest extends ModuleTestBase {
  private final WaitFor waitFor = new WaitFor();

  @Test
  void portOpenIsSeenFromTheHost() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      TaskResult r =
          run(waitFor, Map.of("port", server.getLocalPort(), "timeout", 10, "sleep", 0.2));
      assertOk(r);
      assertThat(r.data()).containsKey("elapsed").containsEntry("host", "127.0.0.1");
    }
  }

  @Test
  void closedPortTimesOutWithClearMessage() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    TaskResult r = run(waitFor, Map.of("port", port, "timeout", 1, "sleep", 0.2));
    assertFailed(r);
    assertThat(r.msg()).isEqualTo("Timeout when waiting for 127.0.0.1:" + port);
    assertThat(r.data()).containsKey("elapsed");
    assertOk(run(waitFor, Map.of("port", port, "state", "stopped", "timeout", 5)));
    TaskResult custom = run(waitFor, Map.of("port", port, "timeout", 0, "msg", "db not up"));
    assertThat(custom.msg()).isEqualTo("db not up");
  }

  @Test
  void fileWithSearchRegexAppearsLater() throws Exception {
    Path log = dir.resolve("server log");
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                Thread.sleep(300);
                Files.writeString(log, "starting\n");
                Thread.sleep(300);
                Files.writeString(log, "starting\nready on port 2001\n");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    TaskResult r =
        run(
            waitFor,
            Map.of(
                "path",
                log.toString(),
                "search_regex",
                "ready on port (\\d+)",
                "timeout",
                20,
                "sleep",
                0.1));
    writer.get(10, TimeUnit.SECONDS);
    assertOk(r);
    assertThat(r.data()).containsEntry("match_groups", java.util.List.of("2001"));
  }

  @Test
  void fileAbsentAndMissingFileTimeout() throws Exception {
    Path f = dir.resolve(HOSTILE);
    assertOk(run(waitFor, Map.of("path", f.toString(), "state", "absent", "timeout", 5)));
    TaskResult r = run(waitFor, Map.of("path", f.toString(), "timeout", 1, "sleep", 0.3));
    assertFailed(r);
    assertThat(r.msg()).isEqualTo("Timeout when waiting for file " + f);
    Files.writeString(f, "no match here");
    TaskResult regex =
        run(waitFor, Map.of("path", f.toString(), "search_regex", "READY", "timeout", 1));
    assertThat(regex.msg()).isEqualTo("Timeout when waiting for search string READY in " + f);
    assertThat(dir.resolve("PWNED")).doesNotExist();
  }

  @Test
  void unsupportedStateFailsClearly() throws Exception {
    TaskResult r = run(waitFor, Map.of("port", 1, "state", "drained"));
    assertFailed(r);
    assertThat(r.msg()).isEqualTo("wait_for: state=drained is not supported");
  }

  @Test
  void hostileHostIsOneLiteralWord() throws Exception {
    TaskResult r =
        run(waitFor, Map.of("host", "127.0.0.1; touch PWNED #", "port", 1, "timeout", 0));
    assertFailed(r);
    assertThat(r.msg()).isEqualTo("Timeout when waiting for 127.0.0.1; touch PWNED #:1");
    assertThat(HOSTS.home(0).resolve("PWNED")).doesNotExist();
  }
}

package dev.baton.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What survives a killed broker or a stopped writer: every commit a writer logged. */
class SimCrashTest {
  private SimHost host;
  private Path work;

  @BeforeEach
  void setUp() throws Exception {
    host = new SimHost();
    work = host.dir("work");
    assertThat(host.run(work, "prodb", "db").exit()).isZero();
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  private static long lastLogged(Path log, long atLeast) throws Exception {
    for (int i = 0; i < 600; i++) {
      if (Files.exists(log)) {
        List<String> lines = Files.readAllLines(log);
        if (lines.size() >= atLeast) {
          String last = lines.get(lines.size() - 1);
          return Long.parseLong(last.substring(last.indexOf(' ') + 1).strip());
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the writer logged fewer than " + atLeast + " commits");
  }

  private static long field(SimHost.Result digest, String name) {
    for (String part : digest.out().get(0).split(" ")) {
      if (part.startsWith(name + "=")) {
        return Long.parseLong(part.substring(name.length() + 1));
      }
    }
    throw new AssertionError("no " + name + " in " + digest.text());
  }

  @Test
  void committedWritesSurviveAnEmergencyShutdown() throws Exception {
    int port = SimHost.freePort();
    assertThat(host.run(work, "proserve", "db", "-S", Integer.toString(port)).exit()).isZero();
    Path log = host.root.resolve("w.log");
    Process writer = host.start(work, "oesim", "writer", "db", "--log", log.toString());
    lastLogged(log, 50);
    SimHost.Result kill = host.run(work, "proshut", "db", "-byF");
    assertThat(kill.exit()).as(kill.text()).isZero();
    assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(writer.exitValue()).isNotZero();
    long logged = lastLogged(log, 50);
    SimHost.Result d = host.run(work, "oesim", "digest", "db");
    assertThat(d.exit()).as(d.text()).isZero();
    assertThat(field(d, "position")).isGreaterThanOrEqualTo(logged);
    assertThat(field(d, "records")).isEqualTo(field(d, "position"));
    // The database opens again: served, written, shut down cleanly.
    assertThat(host.run(work, "proserve", "db", "-S", Integer.toString(port)).exit()).isZero();
    assertThat(host.run(work, "oesim", "write", "db", "after", "crash").exit()).isZero();
    assertThat(host.run(work, "proshut", "db", "-by").exit()).isZero();
  }

  @Test
  void stoppedDirectWriterLeavesNoLockAndKeepsItsCommits() throws Exception {
    Path log = host.root.resolve("w.log");
    Process writer = host.start(work, "oesim", "writer", "db", "--log", log.toString());
    lastLogged(log, 30);
    assertThat(host.run(work, "proutil", "db", "-C", "holder").exit()).isEqualTo(14);
    writer.destroy();
    assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
    long logged = lastLogged(log, 30);
    assertThat(work.resolve("db.lk")).doesNotExist();
    SimHost.Result d = host.run(work, "oesim", "digest", "db");
    assertThat(field(d, "position")).isGreaterThanOrEqualTo(logged);
  }
}

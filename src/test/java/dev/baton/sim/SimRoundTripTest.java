package dev.baton.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The re-seed path end to end: online backup of a db being written, restore elsewhere. */
class SimRoundTripTest {
  private SimHost host;

  @BeforeEach
  void setUp() throws Exception {
    host = new SimHost();
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  @Test
  void onlineBackupWhileWritingRestoresTheContentAtTheBackupPosition() throws Exception {
    Path sec = host.dir("secondary");
    Path pri = host.dir("primary");
    assertThat(host.run(sec, "prodb", "sdb").exit()).isZero();
    SimHost.Result load = host.run(sec, "oesim", "load", "sdb", "--bytes", "3M");
    assertThat(load.exit()).as(load.text()).isZero();
    int port = SimHost.freePort();
    SimHost.Result serve = host.run(sec, "proserve", "sdb", "-S", Integer.toString(port));
    assertThat(serve.exit()).as(serve.text()).isZero();
    assertThat(serve.has("(5644)")).isTrue();

    SimHost.Result busy = host.run(sec, "proutil", "sdb", "-C", "busy");
    assertThat(busy.exit()).isEqualTo(6);
    assertThat(busy.out())
        .containsExactly(
            "** The database " + sec.resolve("sdb") + " is in use in multi-user mode. (276)");
    assertThat(host.run(sec, "proutil", "sdb", "-C", "holder").exit()).isEqualTo(16);

    Path writerLog = host.root.resolve("writer.log");
    host.start(sec, "oesim", "writer", "sdb", "--log", writerLog.toString(), "--rate", "200/s");
    long before = awaitWriterPosition(writerLog, 1);

    SimHost.Result bk = host.run(sec, "probkup", "online", "sdb", host.root + "/sdb.bck");
    assertThat(bk.exit()).as(bk.text()).isZero();
    assertThat(bk.out().get(bk.out().size() - 1)).isEqualTo("Backup complete. (3740)");
    assertThat(bk.out())
        .anyMatch(l -> l.endsWith("(6686)"))
        .anyMatch(l -> l.endsWith("(6688)"))
        .anyMatch(l -> l.endsWith("(6689)"))
        .anyMatch(l -> l.endsWith("(6699)"));

    SimHost.Result rest = host.run(pri, "prorest", "pdb", host.root + "/sdb.bck");
    assertThat(rest.exit()).as(rest.text()).isZero();
    assertThat(rest.out())
        .anyMatch(l -> l.startsWith("This is a full backup of ") && l.endsWith("(6759)"));
    assertThat(rest.has("(6760)") && rest.has("(6994)") && rest.has("(6763)")).isTrue();
    assertThat(Files.readString(pri.resolve("pdb.lg"))).contains("(1368)").contains("(1369)");

    SimHost.Result restored = host.run(pri, "oesim", "digest", "pdb");
    String position = restored.out().get(0).replaceAll(".*position=", "");
    long backupPosition = Long.parseLong(position);
    assertThat(backupPosition).isGreaterThan(before);
    // Writes went on after the snapshot: the writer committed keys past the backup position.
    awaitWriterPosition(writerLog, backupPosition + 5);

    SimHost.Result source = host.run(sec, "oesim", "digest", "sdb", "--upto", position);
    assertThat(source.exit()).as(source.text()).isZero();
    assertThat(restored.out()).containsExactlyElementsOf(source.out());
    SimHost.Result now = host.run(sec, "oesim", "digest", "sdb");
    assertThat(now.out()).isNotEqualTo(source.out());

    SimHost.Result shut = host.run(sec, "proshut", "sdb", "-by");
    assertThat(shut.exit()).as(shut.text()).isZero();
    assertThat(sec.resolve("sdb.lk")).doesNotExist();
    assertThat(host.run(sec, "proutil", "sdb", "-C", "busy").exit()).isZero();
    assertThat(host.run(sec, "proutil", "sdb", "-C", "holder").exit()).isZero();
  }

  /** Waits until the writer logged a commit at or past {@code position}; returns the last. */
  private static long awaitWriterPosition(Path log, long position) throws Exception {
    for (int i = 0; i < 600; i++) {
      if (Files.exists(log)) {
        List<String> lines = Files.readAllLines(log);
        if (!lines.isEmpty()) {
          String last = lines.get(lines.size() - 1);
          long p = Long.parseLong(last.substring(last.indexOf(' ') + 1).strip());
          if (p >= position) {
            return p;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the writer never reached position " + position);
  }
}

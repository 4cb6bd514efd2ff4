package dev.baton.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults on demand: disk full during restore, backup aborted half way, slow backup. */
class SimFaultsTest {
  private SimHost host;
  private Path src;
  private Path dst;
  private Path backup;

  @BeforeEach
  void setUp() throws Exception {
    host = new SimHost();
    src = host.dir("src");
    dst = host.dir("dst");
    backup = host.root.resolve("sdb.bck");
    assertThat(host.run(src, "prodb", "sdb").exit()).isZero();
    assertThat(host.run(src, "oesim", "load", "sdb", "--bytes", "1M").exit()).isZero();
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  private static long count(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  void diskFullDuringRestoreLeavesNoDatabase() throws Exception {
    assertThat(host.run(src, "probkup", "sdb", backup.toString()).exit()).isZero();
    SimHost.Result r =
        host.run(
            dst,
            null,
            Map.of(Faults.RESTORE_DISK_FULL_AFTER, "300K"),
            "prorest",
            "pdb",
            backup.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.out()).last().asString().contains("No space left on device").endsWith("(6766)");
    assertThat(count(dst)).isZero();
  }

  @Test
  void diskFullFromFaultsFileLeavesExistingDatabaseUntouched() throws Exception {
    assertThat(host.run(src, "probkup", "sdb", backup.toString()).exit()).isZero();
    assertThat(host.run(dst, "prodb", "pdb").exit()).isZero();
    assertThat(host.run(dst, "oesim", "write", "pdb", "mine", "keep").exit()).isZero();
    SimHost.Result before = host.run(dst, "oesim", "digest", "pdb");
    Files.writeString(dst.resolve("pdb.faults"), Faults.RESTORE_DISK_FULL_AFTER + "=100K\n");
    SimHost.Result r = host.run(dst, "y\n", Map.of(), "prorest", "pdb", backup.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.out()).last().asString().endsWith("(6766)");
    assertThat(host.run(dst, "oesim", "digest", "pdb").out()).isEqualTo(before.out());
    try (Stream<Path> s = Files.list(dst)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".rst"));
    }
  }

  @Test
  void abortedBackupLeavesPartialFileThatRestoreRefuses() throws Exception {
    SimHost.Result bk =
        host.run(
            src,
            null,
            Map.of(Faults.BACKUP_ABORT_AFTER, "400K"),
            "probkup",
            "sdb",
            backup.toString());
    assertThat(bk.exit()).isNotZero();
    assertThat(bk.out()).noneMatch(l -> l.contains("(3740)"));
    assertThat(bk.out()).last().asString().contains("aborted").endsWith("(6701)");
    assertThat(Files.size(backup)).isEqualTo(400 * 1024);
    SimHost.Result r = host.run(dst, "prorest", "pdb", backup.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.out()).last().asString().endsWith("(6765)");
    assertThat(count(dst)).isZero();
  }

  @Test
  void slowBackupReportsProgressAndCompletes() throws Exception {
    int port = SimHost.freePort();
    assertThat(host.run(src, "proserve", "sdb", "-S", Integer.toString(port)).exit()).isZero();
    // 1 MiB at 400 KiB/s cannot finish in under two seconds: progress lines must show.
    SimHost.Result bk =
        host.run(
            src,
            null,
            Map.of(Faults.BACKUP_RATE, "400K"),
            "probkup",
            "online",
            "sdb",
            backup.toString(),
            "-verbose");
    assertThat(bk.exit()).as(bk.text()).isZero();
    assertThat(bk.out().stream().filter(l -> l.startsWith("Backed up ") && l.contains(" of ")))
        .hasSizeGreaterThanOrEqualTo(2);
    assertThat(bk.out()).last().isEqualTo("Backup complete. (3740)");
    SimHost.Result second = host.run(src, "probkup", "online", "sdb", host.root + "/second.bck");
    assertThat(second.exit()).as(second.text()).isZero();
    assertThat(host.run(src, "proshut", "sdb", "-by").exit()).isZero();
  }

  @Test
  void onlyOneOnlineBackupAtATime() throws Exception {
    int port = SimHost.freePort();
    assertThat(host.run(src, "proserve", "sdb", "-S", Integer.toString(port)).exit()).isZero();
    // 1 MiB at 64 KiB/s holds the broker's backup slot for about 16 seconds.
    Files.writeString(src.resolve("sdb.faults"), Faults.BACKUP_RATE + "=64K\n");
    Process slow = host.start(src, "probkup", "online", "sdb", backup.toString());
    for (int i = 0; i < 300 && !Files.readString(src.resolve("sdb.lg")).contains("(5431)"); i++) {
      Thread.sleep(50);
    }
    SimHost.Result second = host.run(src, "probkup", "online", "sdb", host.root + "/second.bck");
    assertThat(second.exit()).isNotZero();
    assertThat(second.out()).last().asString().endsWith("(1550)");
    assertThat(slow.isAlive()).isTrue();
    // A backup that dies releases the slot: its connection to the broker closes.
    slow.destroyForcibly();
    assertThat(slow.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    Files.delete(src.resolve("sdb.faults"));
    SimHost.Result third = host.run(src, "probkup", "online", "sdb", host.root + "/third.bck");
    assertThat(third.exit()).as(third.text()).isZero();
    assertThat(host.run(src, "proshut", "sdb", "-by").exit()).isZero();
  }
}

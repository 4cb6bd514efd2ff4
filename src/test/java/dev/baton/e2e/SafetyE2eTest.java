package dev.baton.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.Baton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #17's defects on real OpenSSH machines (the others are in {@link FaultsE2eTest}): the lock
 * belongs to the database whatever the inventory calls the hosts (1), a runner killed during
 * PROREST leaves it running and the resume preserves the real old primary (2), invalid inventory
 * values, a missing backup_dir and a database filesystem without room for the restore are refused
 * before the first change (3, 5, 6).
 */
class SafetyE2eTest {
  static final Path SEED = SeedE2eTest.SEED;
  static final Duration LIMIT = Duration.ofMinutes(3);

  static SiteLab lab;
  static SiteLab.Site primary;
  static SiteLab.Site secondary;

  @BeforeAll
  static void start() throws IOException {
    lab = SiteLab.start(2L << 20);
    lab.hosts().assumeIsolated();
    primary = lab.site(1, "primary");
    secondary = lab.site(1, "secondary");
  }

  @AfterAll
  static void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  @AfterEach
  void noFaults() throws IOException {
    lab.faults(primary, null);
    lab.faults(secondary, null);
  }

  private Baton.Result seed(Path inventory, String... more) throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of("play", "-i", inventory.toString()));
    args.addAll(List.of(more));
    args.add(SEED.toString());
    return lab.baton(args.toArray(String[]::new));
  }

  private RunningBaton start(Path inventory) throws IOException {
    return new RunningBaton(lab.startBaton("play", "-i", inventory.toString(), SEED.toString()));
  }

  private static String instance(String db) {
    return lab.hosts()
        .runOn(primary.host(), "sed -n 's/^instance=//p' '" + db + ".db' 2>/dev/null")
        .stdout()
        .strip();
  }

  private void assertNothingChanged(Baton.Result r, String oldInstance, List<String> backups)
      throws IOException {
    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.stdout()).contains("nothing was changed");
    assertThat(instance(primary.db())).isEqualTo(oldInstance);
    assertThat(lab.files(primary, primary.backupDir())).isEqualTo(backups);
    assertThat(lab.files(secondary, secondary.backupDir()))
        .noneMatch(f -> f.contains(SiteLab.runIdOf(r)));
    for (SiteLab.Site s : List.of(primary, secondary)) {
      assertThat(lab.files(s, s.dbDir())).noneMatch(f -> f.contains(".baton-lock."));
    }
  }

  /** Defect 3: a port that is not a number is refused by the pre-flight, before the backup. */
  @Test
  void anInvalidPortIsRefusedBeforeAnyChange() throws IOException {
    String old = instance(primary.db());
    List<String> backups = lab.files(primary, primary.backupDir());
    Baton.Result r = seed(lab.inventory(), "-e", "openedge_port=fivethousand");
    assertNothingChanged(r, old, backups);
    assertThat(r.stdout())
        .contains("the inventory's values are not what the re-seed needs")
        .contains("openedge_port=fivethousand");
  }

  /** Defect 6: a missing backup_dir is named in one line, not a statvfs exception. */
  @Test
  void aMissingBackupDirIsNamedBeforeAnyChange() throws IOException {
    String old = instance(primary.db());
    List<String> backups = lab.files(primary, primary.backupDir());
    Baton.Result r = seed(lab.inventory(), "-e", "backup_dir=/nonexistent/backups");
    assertNothingChanged(r, old, backups);
    assertThat(r.stdout())
        .contains("/nonexistent/backups does not exist")
        .doesNotContain("Exception")
        .doesNotContain("statvfs");
  }

  /**
   * Defect 5: the primary's database filesystem cannot hold the restored database. Refused by the
   * pre-flight before anything moves; the old database stays in its place. The directory is a 1 MiB
   * tmpfs holding a copy of the old database for the test.
   */
  @Test
  void noRoomForTheRestoredDatabaseIsRefusedBeforeTheOldOneMoves() throws IOException {
    String dir = primary.dbDir();
    String aside = primary.host().dataPath() + "/db-aside";
    Baton.Result r;
    try {
      // Room for the old database and 256 KiB more: less than the restored one needs.
      var setUp =
          lab.hosts()
              .runOn(
                  primary.host(),
                  "rm -rf '"
                      + aside
                      + "' && cp -a '"
                      + dir
                      + "' '"
                      + aside
                      + "' && kb=$(( $(du -sk '"
                      + aside
                      + "' | cut -f1) + 256 )) && mount -t tmpfs -o size=${kb}k baton-e2e-dbfs '"
                      + dir
                      + "' && cp -a '"
                      + aside
                      + "'/. '"
                      + dir
                      + "'/");
      assertThat(setUp.exitCode()).as(setUp.toString()).isZero();
      String old = instance(primary.db());
      List<String> files = lab.files(primary, dir);
      r = seed(lab.inventory());
      assertThat(lab.files(primary, dir)).isEqualTo(files);
      assertThat(instance(primary.db())).isEqualTo(old);
    } finally {
      lab.hosts()
          .runOn(
              primary.host(),
              "mountpoint -q '" + dir + "' && umount '" + dir + "'; rm -rf '" + aside + "'");
    }
    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.stdout())
        .contains("not enough free space in " + dir + " for the database restored from");
  }

  /**
   * Defect 1: a second operator's inventory calls the same machines by other names and keeps its
   * locks elsewhere; the lock beside the database refuses it (exit 6) while the first run goes on.
   */
  @Test
  void aSecondOperatorWithOtherHostNamesIsRefusedByTheDatabasesLock() throws Exception {
    String text = Files.readString(lab.inventory());
    Path other =
        Files.writeString(
            lab.work().resolve("operator-b.ini"),
            text.replace(primary.name(), "ops-b-main").replace(secondary.name(), "ops-b-standby")
                + "lock_dir=/var/tmp/operator-b-locks\n");
    lab.faults(secondary, "BATON_SIM_FAULT_BACKUP_RATE=1000000\n");
    RunningBaton first = start(lab.inventory());
    try {
      first.awaitOutput("TASK [Online backup of the secondary database]", LIMIT);
      Baton.Result second = seed(other);
      assertThat(second.exitCode()).as(second.all()).isEqualTo(6);
      assertThat(second.stdout()).contains("locked by another run");
      Baton.Result done = first.await(LIMIT);
      assertThat(done.exitCode()).as(done.all()).isZero();
    } finally {
      first.close();
    }
    assertThat(lab.role(primary)).isEqualTo("target");
    assertThat(lab.role(secondary)).isEqualTo("source");
  }

  /**
   * Defect 2: the runner is killed while PROREST runs; PROREST goes on alone. The resume waits for
   * it, adopts its restore, and the directory it names holds the real old primary, not the fresh
   * copy.
   */
  @Test
  void runnerKilledDuringProrestResumesAndNamesTheRealOldPrimary() throws Exception {
    String old = instance(primary.db());
    lab.faults(primary, "BATON_SIM_FAULT_RESTORE_RATE=1000000\n");
    RunningBaton b = start(lab.inventory());
    String run;
    try {
      b.awaitOutput("TASK [Preserve the old primary database", LIMIT);
      List<String> ids = lab.runIds();
      run = ids.get(ids.size() - 1);
      Path pid = primary.local(primary.dbDir()).resolve(SiteLab.DB_NAME + ".baton-prorest");
      long deadline = System.nanoTime() + LIMIT.toNanos();
      while (!Files.exists(pid) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(pid).exists();
      b.kill();
    } finally {
      b.close();
    }
    lab.faults(primary, null);
    Baton.Result r = lab.baton("resume", run);
    assertThat(r.exitCode()).as(r.all()).isZero();
    Matcher m =
        Pattern.compile("old primary database preserved in ([^\\s\"'}]+)").matcher(r.stdout());
    String preserved = null;
    while (m.find()) {
      preserved = m.group(1).replaceAll("[;,]$", "");
    }
    assertThat(preserved).as(r.stdout()).isNotNull();
    assertThat(instance(preserved + primary.db())).isEqualTo(old);
    assertThat(instance(primary.db())).isNotEqualTo(old).isNotEmpty();
    assertThat(lab.role(primary)).isEqualTo("target");
    assertThat(lab.digest(primary, primary.db())).isEqualTo(lab.digest(secondary, secondary.db()));
  }
}

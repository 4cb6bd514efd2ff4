package dev.baton.failback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.lab.EmbeddedLab;
import dev.baton.lab.EmbeddedLab.LabHost;
import dev.baton.testing.Baton;
import dev.baton.testing.Requirements;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failback's refusals, each on the embedded lab through the real playbook: baton stops the pair
 * before its first change, says why, and leaves every host as it was (the primary's db files, its
 * backup directory, no backup taken on the secondary, roles unchanged). Ends with two operators
 * racing for one pair, which also completes the failback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailbackRefusalsTest {
  @TempDir static Path dir;
  static EmbeddedLab lab;
  static Failback fb;
  static LabHost primary;
  static LabHost secondary;

  @BeforeAll
  static void startLab() throws IOException {
    lab = Failback.startLab(dir.resolve("lab"), 1, 2L << 20);
    fb = new Failback(lab, dir);
    primary = lab.host("primary");
    secondary = lab.host("secondary");
  }

  @AfterAll
  static void stopLab() {
    if (lab != null) {
      lab.close();
    }
  }

  /** What must be exactly as it was after a refusal. */
  private record Before(
      Map<String, String> primaryFiles, String secondaryDigest, String primaryDigest) {}

  private Before before() throws IOException {
    assertThat(Failback.files(secondary, "backups")).isEmpty();
    return new Before(
        Failback.files(primary, "db", "backups", "preserved"),
        fb.digest(secondary),
        fb.digest(primary));
  }

  private void assertNothingChanged(Before b, Baton.Result r) throws IOException {
    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.stdout()).containsPattern("primary +: .*failed=1");
    assertThat(Failback.files(primary, "db", "backups", "preserved"))
        .as("the primary's db, backup and preserve directories")
        .isEqualTo(b.primaryFiles());
    assertThat(Failback.files(secondary, "backups")).as("no backup taken").isEmpty();
    assertThat(fb.role(primary)).isEqualTo("source");
    assertThat(fb.role(secondary)).isEqualTo("source");
    assertThat(fb.digest(secondary)).isEqualTo(b.secondaryDigest());
    assertThat(fb.digest(primary)).isEqualTo(b.primaryDigest());
    Path journal = Failback.journalOf(r);
    assertThat(Failback.results(journal, "primary", "Online backup")).isEmpty();
    assertThat(Failback.result(journal, "primary", "Unlock the primary").path("status").asText())
        .isEqualTo("changed");
    assertThat(Failback.lockOf(primary)).doesNotExist();
  }

  @Test
  @Order(1)
  void secondaryWhoseDbIsNotServedIsRefused() throws IOException {
    lab.run(secondary, "proshut", EmbeddedLab.DB_NAME, "-by");
    try {
      Before b = before();
      Baton.Result r = fb.play();
      assertThat(r.stdout())
          .contains("secondary: " + secondary.db() + " is not a served replication source")
          .contains("not served, replication source");
      assertNothingChanged(b, r);
      assertThat(fb.served(secondary)).isFalse();
    } finally {
      serveSecondary();
    }
  }

  @Test
  @Order(2)
  void secondaryDbThatIsNoReplicationSourceIsRefused() throws IOException {
    lab.run(secondary, "prodb", "plain");
    lab.run(secondary, "oesim", "load", "plain", "--bytes", "65536");
    lab.run(secondary, "proserve", "plain", "-S", Integer.toString(freePort(secondary)));
    try {
      Before b = before();
      Path plain = secondary.dbDir().resolve("plain");
      Baton.Result r = fb.play("-e", "secondary_db=" + plain);
      assertThat(r.stdout())
          .contains(plain + " is not a served replication source")
          .contains("served, replication none");
      assertNothingChanged(b, r);
    } finally {
      lab.run(secondary, "proshut", "plain", "-by");
    }
  }

  @Test
  @Order(3)
  void servedPrimaryIsRefusedAsSplitBrain() throws IOException {
    lab.run(primary, "proserve", EmbeddedLab.DB_NAME, "-S", Integer.toString(primary.dbPort()));
    try {
      Before b = before();
      Baton.Result r = fb.play();
      assertThat(r.stdout())
          .contains("primary: " + primary.db() + " is in use")
          .contains("shut it down first; nothing was changed");
      assertNothingChanged(b, r);
      assertThat(fb.served(primary)).isTrue();
    } finally {
      lab.run(primary, "proshut", EmbeddedLab.DB_NAME, "-by");
    }
  }

  @Test
  @Order(4)
  void primaryWithoutRoomForTheBackupIsRefusedBeforeTheBackup() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    Requirements.check(root, "root", "mounts a 1 MiB tmpfs as the primary's backup_dir");
    Path backups = primary.dir().resolve("backups");
    Process mount =
        new ProcessBuilder(
                "mount", "-t", "tmpfs", "-o", "size=1m", "baton-test", backups.toString())
            .redirectErrorStream(true)
            .start();
    String why = new String(mount.getInputStream().readAllBytes());
    boolean mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
    Requirements.check(mounted, "mount -t tmpfs (" + why.strip() + ")", "a small backup_dir");
    try {
      Before b = before();
      Baton.Result r = fb.play();
      assertThat(r.stdout())
          .contains("primary: not enough free space in " + backups)
          .contains("for the backup of secondary:" + secondary.db())
          .containsPattern("2\\.\\d MiB needed, 1\\.0 MiB free");
      assertNothingChanged(b, r);
    } finally {
      new ProcessBuilder("umount", backups.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  @Order(5)
  void structurePathMissingOnThePrimaryIsRefusedWithoutCreateDirs() throws IOException {
    Before b = before();
    Path missing = primary.dir().resolve("db-elsewhere");
    String vars =
        "{\"structure_create_dirs\": false, \"structure_path_map\": {\""
            + secondary.dbDir()
            + "\": \""
            + missing
            + "\"}}";
    Baton.Result r = fb.play("-e", vars);
    assertThat(r.stdout())
        .contains("primary: directories named in the structure are missing: " + missing)
        .contains("(create them, or set create_dirs: true)");
    assertNothingChanged(b, r);
    assertThat(missing).doesNotExist();
    JsonNode preflight =
        Failback.result(Failback.journalOf(r), "primary", "The structure file can be written");
    assertThat(preflight.path("status").asText()).isEqualTo("failed");
  }

  @Test
  @Order(6)
  void checkPrintsThePlanAndChangesNothing() throws IOException {
    Before b = before();
    Baton.Result r = fb.play("--check");
    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    String backup = secondary.dir().resolve("backups") + "/sports-";
    assertThat(r.stdout())
        .contains("changed: [primary] => {\"msg\":\"check mode: would acquire " + dir)
        .contains("changed: [primary -> secondary] => {\"msg\":\"check mode: would run cd ")
        .containsPattern("probkup online sports '?" + backup)
        .contains("would transfer secondary:" + backup)
        .contains("to primary:" + primary.dir().resolve("backups") + "/sports-")
        .contains("by relay")
        .contains("check mode: would write " + primary.db() + ".st from secondary:")
        .contains("check mode: would move " + primary.db() + " aside under " + primary.dir())
        .containsPattern("prorest sports '?" + primary.dir().resolve("backups") + "/sports-")
        .contains("-REPLTransition");
    assertThat(Failback.files(primary, "db", "backups", "preserved")).isEqualTo(b.primaryFiles());
    assertThat(Failback.files(secondary, "backups")).isEmpty();
    assertThat(fb.role(primary)).isEqualTo("source");
    assertThat(fb.digest(primary)).isEqualTo(b.primaryDigest());
    assertThat(Failback.lockOf(primary)).doesNotExist();
  }

  /**
   * Values that the steps after the backup would have refused (a transfer method, a restore
   * transition) are refused first, on the jump host: nothing connects, nothing changes.
   */
  @Test
  @Order(10)
  void malformedInventoryValuesAreRefusedBeforeAnything() throws IOException {
    Before b = before();
    Baton.Result r = fb.play("-e", "transfer_method=ftp", "-e", "restore_transition=maybe");
    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.stdout())
        .contains("the inventory's values are not what the re-seed needs; nothing was changed")
        .contains("transfer_method=ftp (relay, direct or shared)")
        .contains("restore_transition=maybe (repl or enable)");
    assertThat(Failback.results(Failback.journalOf(r), "primary", "Lock the primary")).isEmpty();
    assertThat(Failback.lockOf(primary)).doesNotExist();
    assertThat(Failback.files(primary, "db", "backups", "preserved")).isEqualTo(b.primaryFiles());
    assertThat(Failback.files(secondary, "backups")).as("no backup taken").isEmpty();
    assertThat(fb.digest(primary)).isEqualTo(b.primaryDigest());
  }

  /** A backup_dir missing on the primary: one line naming it, not the JDK's statvfs exception. */
  @Test
  @Order(11)
  void aMissingBackupDirIsNamedNotAnException() throws IOException {
    Path missing = dir.resolve("no-such-backups");
    Before b = before();
    Baton.Result r = fb.play("-e", "backup_dir=" + missing);
    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.stdout())
        .contains("primary: " + missing + " does not exist (it is to hold the backup of secondary:")
        .contains("nothing was changed")
        .doesNotContain("Exception")
        .doesNotContain("java.");
    assertThat(Failback.lockOf(primary)).doesNotExist();
    assertThat(Failback.files(primary, "db", "backups", "preserved")).isEqualTo(b.primaryFiles());
    assertThat(missing).doesNotExist();
    assertThat(fb.digest(primary)).isEqualTo(b.primaryDigest());
  }

  /**
   * The primary's database filesystem must hold the restored database: checked before the backup.
   */
  @Test
  @Order(12)
  void noRoomForTheRestoredDatabaseIsRefusedBeforeTheBackup() throws IOException {
    Before b = before();
    Baton.Result r = fb.play("-e", "restore_space_needed=1T");
    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.stdout())
        .contains("primary: not enough free space in " + primary.dbDir())
        .contains("for the database restored from secondary:" + secondary.db())
        .contains("1.0 TiB needed");
    assertThat(Failback.files(primary, "db", "backups", "preserved")).isEqualTo(b.primaryFiles());
    assertThat(Failback.files(secondary, "backups")).as("no backup taken").isEmpty();
    assertThat(fb.digest(primary)).isEqualTo(b.primaryDigest());
    assertThat(Failback.lockOf(primary)).doesNotExist();
  }

  /** A lock another operator's run left on {@code host}'s database, as run_lock writes it. */
  private static Path plantForeignLock(LabHost host) throws IOException {
    Path lock = Failback.lockOf(host);
    Files.createDirectories(lock);
    Files.writeString(
        lock.resolve("owner"),
        "run=20261201-000000-beef\nroot=20261201-000000-beef\noperator=alice\n"
            + "jump_host=elsewhere\nsince=2026-12-01T00:00:00Z\n");
    return lock;
  }

  /**
   * Another operator's inventory: the same hosts under other names, another lock_dir. The lock is
   * the database's own, so that inventory meets it all the same: refused, exit 6, nothing changed.
   */
  @Test
  @Order(7)
  void theDatabaseLockHoldsWhateverTheInventoryCallsTheHosts() throws IOException {
    Path lock = plantForeignLock(primary);
    Path before = fb.inventory;
    try {
      String inv =
          Files.readString(lab.inventory())
                  .replaceAll("(?m)^primary ", "prod-db-a ")
                  .replaceAll("(?m)^secondary ", "prod-db-b ")
                  .replace("peer=secondary", "peer=prod-db-b")
                  .replace("peer=primary", "peer=prod-db-a")
              + "\n[all:vars]\nlock_dir="
              + dir.resolve("elsewhere")
              + "\n";
      assertThat(inv).contains("prod-db-a ").contains("peer=prod-db-b");
      fb.inventory = dir.resolve("inventory-other-names.ini");
      Files.writeString(fb.inventory, inv);
      Before b = before();
      Baton.Result r = fb.play();
      assertThat(r.exitCode()).as(r.all()).isEqualTo(6);
      assertThat(r.stdout())
          .contains(
              "database "
                  + Failback.realDb(primary)
                  + " locked by another run: run=20261201-000000-beef")
          .contains("operator=alice");
      assertThat(lock.resolve("owner")).content().startsWith("run=20261201-000000-beef\n");
      assertThat(Failback.lockOf(secondary)).doesNotExist();
      assertThat(Failback.files(primary, "db", "backups", "preserved")).isEqualTo(b.primaryFiles());
      assertThat(Failback.files(secondary, "backups")).as("no backup taken").isEmpty();
      assertThat(fb.digest(primary)).isEqualTo(b.primaryDigest());
    } finally {
      fb.inventory = before;
      Failback.deleteTree(lock);
    }
  }

  /**
   * The secondary's database is locked by another run: the primary's lock, already taken, is
   * released again at the end, as nothing was done (before, it stayed and the next run got exit 6).
   */
  @Test
  @Order(8)
  void aRunStoppedBeforeAnyWorkReleasesTheLockItTook() throws IOException {
    Path lock = plantForeignLock(secondary);
    try {
      Before b = before();
      Baton.Result r = fb.play();
      assertThat(r.exitCode()).as(r.all()).isEqualTo(6);
      assertThat(r.stdout())
          .contains("database " + Failback.realDb(secondary) + " locked by another run");
      assertThat(r.all())
          .contains("primary: the run changed nothing on this host: released primary:")
          .contains(Failback.lockOf(primary).toString());
      assertThat(Failback.lockOf(primary)).doesNotExist();
      assertThat(lock.resolve("owner")).content().startsWith("run=20261201-000000-beef\n");
      assertThat(Failback.files(secondary, "backups")).as("no backup taken").isEmpty();
      assertThat(fb.digest(primary)).isEqualTo(b.primaryDigest());
    } finally {
      Failback.deleteTree(lock);
    }
  }

  /**
   * The secondary cannot be reached (here its port is closed; a changed host key ends the same
   * way): exit 3, and the primary's lock does not outlive the run, so the next play is not refused
   * with exit 6.
   */
  @Test
  @Order(9)
  void anUnreachableSecondaryLeavesNoLockBehind() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    Path before = fb.inventory;
    try {
      String hostLine =
          "secondary ansible_host="
              + secondary.ssh().address()
              + " ansible_port="
              + secondary.ssh().port()
              + " ";
      String inv = Files.readString(lab.inventory());
      assertThat(inv).contains(hostLine);
      fb.inventory = dir.resolve("inventory-secondary-down.ini");
      Files.writeString(
          fb.inventory,
          inv.replace(hostLine, "secondary ansible_host=127.0.0.1 ansible_port=" + closed + " "));
      Before b = before();
      Baton.Result r = fb.play();
      assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
      assertThat(Failback.lockOf(primary)).doesNotExist();
      fb.inventory = before;
      Baton.Result next = fb.play("--check");
      assertThat(next.exitCode()).as("the next run is not locked out: " + next.all()).isZero();
      assertThat(Failback.files(primary, "db", "backups", "preserved")).isEqualTo(b.primaryFiles());
      assertThat(fb.digest(primary)).isEqualTo(b.primaryDigest());
    } finally {
      fb.inventory = before;
    }
  }

  /**
   * Two operators on one pair: the second is refused with exit 6 while the first holds the lock
   * (its backup slowed by the simulator's fault switch), and the first completes.
   */
  @Test
  @Order(99)
  void secondOperatorIsLockedOutWhileTheFirstCompletes() throws Exception {
    Path faults = secondary.dbDir().resolve("sports.faults");
    Files.writeString(faults, "BATON_SIM_FAULT_BACKUP_RATE=128K\n");
    var runsBefore = fb.runs();
    Process first = fb.start();
    try {
      String firstRun = fb.awaitNewRun(runsBefore, first);
      Failback.awaitStarted(fb.journalOf(firstRun), "Online backup", first);

      Baton.Result second = fb.play();
      assertThat(second.exitCode()).as(second.all()).isEqualTo(6);
      assertThat(second.stdout())
          .contains(
              "database "
                  + Failback.realDb(primary)
                  + " locked by another run: run="
                  + firstRun
                  + " root="
                  + firstRun)
          .doesNotContain("run=unknown");
      assertThat(Failback.lockOf(primary).resolve("owner"))
          .as("the refused run left the first run's lock alone")
          .content()
          .startsWith("run=" + firstRun + "\n");
      Path secondJournal = Failback.journalOf(second);
      assertThat(Failback.results(secondJournal, "primary", "Read the secondary")).isEmpty();
      assertThat(Failback.results(secondJournal, "primary", "Online backup")).isEmpty();

      Baton.Result r = Baton.await(first, 300);
      assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
      assertThat(fb.role(primary)).isEqualTo("target");
      assertThat(fb.role(secondary)).isEqualTo("source");
      assertThat(fb.digest(primary)).isEqualTo(fb.digest(secondary));
      assertThat(Failback.lockOf(primary)).doesNotExist();
      assertOldPrimaryPreserved(Failback.journalOf(r));
    } finally {
      first.destroyForcibly();
      Files.deleteIfExists(faults);
    }
  }

  /** The old primary db was moved aside whole, with a manifest, and the journal says where. */
  private void assertOldPrimaryPreserved(Path journal) throws IOException {
    JsonNode restore = Failback.result(journal, "primary", "Preserve the old primary database");
    String to = restore.path("data").path("preserved_to").asText();
    assertThat(to).startsWith(primary.dir().resolve("preserved").toString());
    Path manifest = Path.of(to, "MANIFEST");
    assertThat(restore.path("data").path("preserved_manifest").asText())
        .isEqualTo(manifest.toString());
    String text = Files.readString(manifest);
    for (String f : new String[] {".db", ".d1", "_7.d1", ".b1", ".repl.properties"}) {
      Path original = Path.of(primary.db() + f);
      Path kept = Path.of(to + original);
      assertThat(text).contains(original + " -> " + kept);
      assertThat(kept).isRegularFile();
    }
    assertThat(Failback.result(journal, "primary", "Roles").path("msg").asText())
        .contains("old primary database preserved in " + to);
  }

  private void serveSecondary() throws IOException {
    lab.run(
        secondary,
        "proserve",
        EmbeddedLab.DB_NAME,
        "-S",
        Integer.toString(secondary.dbPort()),
        "-DBService",
        "replserv");
  }

  private static int freePort(LabHost h) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(h.ssh().address(), 0));
      return s.getLocalPort();
    }
  }
}

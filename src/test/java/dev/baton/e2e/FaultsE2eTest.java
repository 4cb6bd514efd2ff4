package dev.baton.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.Baton;
import dev.baton.testing.DelayRelay;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults injected into the seed playbook on real OpenSSH machines: links that go down, sshd killed,
 * the runner killed, a full disk, a slow link, a changed host key, a second operator.
 *
 * <p>Two site pairs shared by the tests (seeding is the expensive part): pair 1 has a 24 MiB source
 * and baton reaches its primary through a {@link DelayRelay} (a slow link, so a transfer lasts long
 * enough to be hit); pair 2 is small and direct. Every test ends with its pair failed back
 * (asserting roles), which is again a state a failback starts from, so tests do not depend on each
 * other's order.
 */
class FaultsE2eTest {
  static final Path SEED = SeedE2eTest.SEED;
  static final Duration LIMIT = Duration.ofMinutes(3);

  static SiteLab lab;
  static DelayRelay relay;
  final List<RunningBaton> running = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    lab = SiteLab.start(24L << 20, 4L << 20);
    lab.hosts().assumeIsolated();
    SiteLab.Site slow = lab.site(1, "primary");
    relay =
        DelayRelay.start(
            new InetSocketAddress(slow.host().address(), slow.host().port()),
            Duration.ofMillis(20));
    lab.reachVia(slow, relay.address());
    // A dead link is noticed within ~8 s (4 keepalives); a host that does not answer is given up
    // on after 3 attempts of 3 s: the "retry budget".
    // A transfer rides out a lost link for 4 s here (60 s by default), then ends with exit 3.
    lab.allVars("baton_ssh_keepalive=2\nansible_timeout=3\ntransfer_retry_budget=4\n");
  }

  @AfterAll
  static void stop() {
    if (relay != null) {
      relay.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @AfterEach
  void killLeftovers() throws IOException {
    running.forEach(RunningBaton::close);
    for (SiteLab.Site s : lab.sites()) {
      lab.hosts().linkUp(s.host());
      lab.faults(s, null);
    }
  }

  private RunningBaton failback(int pair, String... options) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "play",
                "-i",
                lab.inventory().toString(),
                "--limit",
                lab.site(pair, "primary").name()));
    args.addAll(List.of(options));
    args.add(SEED.toString());
    RunningBaton b = new RunningBaton(lab.startBaton(args.toArray(String[]::new)));
    running.add(b);
    return b;
  }

  private Baton.Result resume(String run) throws IOException {
    return lab.baton("resume", run);
  }

  private String newestRun() throws IOException {
    List<String> ids = lab.runIds();
    assertThat(ids).isNotEmpty();
    return ids.get(ids.size() - 1);
  }

  /** What a user checks after a failback: roles, the restored records, the backup on both sides. */
  private void assertFailedBack(int pair, String sourceDigest, String run) {
    SiteLab.Site primary = lab.site(pair, "primary");
    SiteLab.Site secondary = lab.site(pair, "secondary");
    assertThat(lab.role(secondary)).isEqualTo("source");
    assertThat(lab.role(primary)).isEqualTo("target");
    // The source keeps serving (and may take writes) but nobody writes in these tests.
    assertThat(lab.digest(primary, primary.db())).isEqualTo(sourceDigest);
    String backup = SiteLab.DB_NAME + "-" + run + ".bck";
    assertThat(lab.sha256(primary, primary.backupDir() + "/" + backup))
        .isEqualTo(lab.sha256(secondary, secondary.backupDir() + "/" + backup));
    assertThat(lab.files(primary, primary.backupDir())).noneMatch(f -> f.endsWith(".part"));
  }

  private String sourceDigest(int pair) {
    SiteLab.Site secondary = lab.site(pair, "secondary");
    return lab.digest(secondary, secondary.db());
  }

  /** Also the slow-link case: the resumed run completes through the DelayRelay. */
  @Test
  void linkDownMidTransferThenUpResumesFromWhatArrived() throws Exception {
    SiteLab.Site primary = lab.site(1, "primary");
    String digest = sourceDigest(1);
    RunningBaton b = failback(1);
    b.awaitOutput("TASK [Move the backup to the primary]", LIMIT);
    String run = newestRun();
    Path part =
        primary.local(primary.backupDir()).resolve(SiteLab.DB_NAME + "-" + run + ".bck.part");
    awaitSize(part, 4L << 20);
    lab.hosts().linkDown(primary.host());
    Baton.Result first = b.await(LIMIT);
    lab.hosts().linkUp(primary.host());
    long arrived = Files.size(part);

    assertThat(first.exitCode()).as(first.all()).isEqualTo(3);
    assertThat(first.stdout()).contains("fatal: [" + primary.name() + "]: UNREACHABLE!");
    // Not a terminal: plain lines for logs and parsers, no status line drawn in place.
    assertThat(first.stdout()).doesNotContain("\r").doesNotContain("\u001b[");
    assertThat(arrived).isPositive();
    Baton.Result second = resume(run);
    assertThat(second.exitCode()).as(second.all()).isZero();
    // The resumed transfer continued from the bytes already on the primary.
    assertThat(Files.readString(SiteLab.journalOf(second))).contains("\"resumed_from\":");
    assertThat(Files.readString(SiteLab.journalOf(second))).doesNotContain("\"resumed_from\":0,");
    assertFailedBack(1, digest, run);
  }

  @Test
  void slowLinkShowsTheTransfersProgressAndStillVerifies() throws Exception {
    SiteLab.Site primary = lab.site(1, "primary");
    String digest = sourceDigest(1);
    relay.bandwidth(3L << 20); // the 24 MiB backup takes about 8 s
    Baton.Result terminal;
    try {
      // --color=always: the console behaves as on a terminal (status line redrawn in place).
      terminal = failback(1, "--color=always").await(LIMIT);
    } finally {
      relay.bandwidth(0);
    }

    assertThat(terminal.exitCode()).as(terminal.all()).isZero();
    // The operator watching sees the transfer move: bytes, share, rate and time left, redrawn.
    Matcher m =
        Pattern.compile(
                "\\r\u001b\\[K  \\[(\\d+)s\\] Move the backup to the primary \\| "
                    + Pattern.quote(primary.name())
                    + ": relay[^|\\r]* of 2\\d\\.\\d MiB \\((\\d+)%\\), [\\d.]+ [KM]iB/s, ETA \\d")
            .matcher(terminal.stdout());
    List<Integer> shares = new ArrayList<>();
    while (m.find()) {
      shares.add(Integer.parseInt(m.group(2)));
    }
    assertThat(shares).as(terminal.stdout()).hasSizeGreaterThan(3);
    assertThat(shares.get(shares.size() - 1)).isGreaterThan(shares.get(0));
    assertFailedBack(1, digest, newestRun());
  }

  @Test
  void runnerKilledDuringTheTransferResumes() throws Exception {
    SiteLab.Site primary = lab.site(1, "primary");
    String digest = sourceDigest(1);
    RunningBaton b = failback(1);
    b.awaitOutput("TASK [Move the backup to the primary]", LIMIT);
    String run = newestRun();
    awaitSize(
        primary.local(primary.backupDir()).resolve(SiteLab.DB_NAME + "-" + run + ".bck.part"),
        1L << 20);
    b.kill();

    Baton.Result r = resume(run);
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertFailedBack(1, digest, run);
  }

  /**
   * The same cut with four streams moving ranges of 2 MiB: the resume moves only the ranges the
   * first run did not record, at their offsets, and the file is verified whole.
   */
  @Test
  void linkDownMidTransferWithFourStreamsResumesOnlyTheMissingRanges() throws Exception {
    SiteLab.Site primary = lab.site(1, "primary");
    SiteLab.Site secondary = lab.site(1, "secondary");
    String digest = sourceDigest(1);
    relay.bandwidth(1L << 20); // per connection: 4 streams, ~4 MiB/s for the 24 MiB backup
    Baton.Result first;
    String run;
    Path log;
    try {
      RunningBaton b = failback(1, "-e", "transfer_streams=4", "-e", "transfer_range_mib=2");
      b.awaitOutput("TASK [Move the backup to the primary]", LIMIT);
      run = newestRun();
      Path part =
          primary.local(primary.backupDir()).resolve(SiteLab.DB_NAME + "-" + run + ".bck.part");
      log = Path.of(part + ".ranges");
      awaitLines(log, 2); // the header and one finished range
      lab.hosts().linkDown(primary.host());
      first = b.await(LIMIT);
    } finally {
      lab.hosts().linkUp(primary.host());
      relay.bandwidth(0);
    }
    assertThat(first.exitCode()).as(first.all()).isEqualTo(3);
    List<String> ranges = Files.readAllLines(log).stream().skip(1).toList();
    long recorded = ranges.stream().mapToLong(l -> Long.parseLong(l.split(" ")[1])).sum();
    long size =
        Files.size(
            secondary.local(secondary.backupDir()).resolve(SiteLab.DB_NAME + "-" + run + ".bck"));
    assertThat(recorded).isPositive().isLessThan(size);

    Baton.Result second = resume(run);
    assertThat(second.exitCode()).as(second.all()).isZero();
    String journal = Files.readString(SiteLab.journalOf(second));
    assertThat(journal)
        .contains("\"resumed_from\":" + recorded + ",")
        .contains("\"bytes_sent\":" + (size - recorded) + ",")
        .containsPattern("\"streams\":[2-4]\\b");
    assertThat(log).doesNotExist();
    assertFailedBack(1, digest, run);
  }

  @Test
  void linkDownLongerThanTheRetryBudgetFailsCleanlyAndResumesLater() throws Exception {
    SiteLab.Site primary = lab.site(2, "primary");
    String digest = sourceDigest(2);
    String oldPrimary = lab.digest(primary, primary.db());
    // A slow backup: the primary's link goes down while the secondary works, and stays down.
    lab.faults(lab.site(2, "secondary"), "BATON_SIM_FAULT_BACKUP_RATE=1000000\n");
    RunningBaton b = failback(2);
    b.awaitOutput("TASK [Online backup of the secondary database]", LIMIT);
    String run = newestRun();
    lab.hosts().linkDown(primary.host());
    Baton.Result first = b.await(LIMIT);
    lab.hosts().linkUp(primary.host());

    assertThat(first.exitCode()).as(first.all()).isEqualTo(3);
    assertThat(first.stdout())
        .contains("fatal: [" + primary.name() + "]: UNREACHABLE!")
        .containsPattern(primary.name() + " +: .*unreachable=1 +failed=0");
    // Nothing changed on the primary: its old database is still there, as it was.
    assertThat(lab.role(primary)).isEqualTo(oldPrimary.isEmpty() ? "" : lab.role(primary));
    assertThat(lab.digest(primary, primary.db())).isEqualTo(oldPrimary);
    lab.faults(lab.site(2, "secondary"), null);
    Baton.Result second = resume(run);
    assertThat(second.exitCode()).as(second.all()).isZero();
    assertFailedBack(2, digest, run);
  }

  @Test
  void sshdKilledMidRestoreResumes() throws Exception {
    SiteLab.Site primary = lab.site(2, "primary");
    String digest = sourceDigest(2);
    lab.faults(primary, "BATON_SIM_FAULT_RESTORE_RATE=1000000\n");
    RunningBaton b = failback(2);
    b.awaitOutput("TASK [Preserve the old primary database", LIMIT);
    String run = newestRun();
    // Mid-restore: PROREST runs (baton recorded its pid) and holds the db's lock, which its
    // death with the session leaves behind for the resume to deal with.
    Path dir = primary.local(primary.dbDir());
    awaitSize(dir.resolve(SiteLab.DB_NAME + ".baton-prorest"), 1);
    awaitSize(dir.resolve(SiteLab.DB_NAME + ".lk"), 1);
    lab.hosts().killSshd(primary.host());
    assertThat(dir.resolve(SiteLab.DB_NAME + ".lk")).exists();
    Baton.Result first;
    try {
      first = b.await(LIMIT);
    } finally {
      lab.startSshd(primary);
    }

    assertThat(first.exitCode()).as(first.all()).isEqualTo(3);
    assertThat(first.stdout()).contains("fatal: [" + primary.name() + "]: UNREACHABLE!");
    lab.faults(primary, null);
    Baton.Result second = resume(run);
    assertThat(second.exitCode()).as(second.all()).isZero();
    assertThat(Files.readString(SiteLab.journalOf(second)))
        .contains(".lk of an interrupted prorest (pid ");
    assertThat(dir.resolve(SiteLab.DB_NAME + ".baton-prorest")).doesNotExist();
    assertFailedBack(2, digest, run);
  }

  @Test
  void runnerKilledDuringTheBackupResumes() throws Exception {
    String digest = sourceDigest(2);
    lab.faults(lab.site(2, "secondary"), "BATON_SIM_FAULT_BACKUP_RATE=1000000\n");
    RunningBaton b = failback(2);
    b.awaitOutput("TASK [Online backup of the secondary database]", LIMIT);
    String run = newestRun();
    Thread.sleep(1000);
    b.kill();
    lab.faults(lab.site(2, "secondary"), null);

    Baton.Result r = resume(run);
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertFailedBack(2, digest, run);
  }

  @Test
  void runnerKilledAfterTheRestoreResumes() throws Exception {
    String digest = sourceDigest(2);
    RunningBaton b = failback(2);
    b.awaitOutput("TASK [Read the roles again]", LIMIT);
    String run = newestRun();
    b.kill();

    Baton.Result r = resume(run);
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.stdout()).contains("Roles");
    assertFailedBack(2, digest, run);
  }

  @Test
  void fullDiskOnThePrimaryIsDetectedAndTheOldDatabaseStaysIntact() throws Exception {
    SiteLab.Site primary = lab.site(2, "primary");
    String oldDigest = lab.digest(primary, primary.db());
    String oldRole = lab.role(primary);
    List<String> oldFiles = lab.files(primary, primary.dbDir());
    mountTmpfs(primary, primary.backupDir(), "1m");
    Baton.Result r;
    try {
      r = failback(2).await(LIMIT);
    } finally {
      unmount(primary, primary.backupDir());
    }

    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.stdout())
        .contains("fatal: [" + primary.name() + "]: FAILED!")
        .containsIgnoringCase("space");
    assertThat(lab.role(primary)).isEqualTo(oldRole);
    assertThat(lab.digest(primary, primary.db())).isEqualTo(oldDigest);
    assertThat(lab.files(primary, primary.dbDir())).isEqualTo(oldFiles);
    String run = SiteLab.runIdOf(r);
    Baton.Result second = resume(run);
    assertThat(second.exitCode()).as(second.all()).isZero();
    assertFailedBack(2, sourceDigest(2), run);
  }

  @Test
  void secondOperatorIsRefusedByTheRunLockWhileTheFirstSucceeds() throws Exception {
    String digest = sourceDigest(2);
    lab.faults(lab.site(2, "secondary"), "BATON_SIM_FAULT_BACKUP_RATE=1000000\n");
    RunningBaton first = failback(2);
    first.awaitOutput("TASK [Online backup of the secondary database]", LIMIT);
    String run = newestRun();
    Baton.Result second = failback(2).await(LIMIT);

    assertThat(second.exitCode()).as(second.all()).isEqualTo(6);
    assertThat(second.stdout()).contains("locked by another run").contains(run);
    Baton.Result done = first.await(LIMIT);
    assertThat(done.exitCode()).as(done.all()).isZero();
    assertFailedBack(2, digest, run);
  }

  @Test
  void hostKeyChangedBetweenRunsIsRefusedWithNothingDone() throws Exception {
    SiteLab.Site primary = lab.site(2, "primary");
    String oldDigest = lab.digest(primary, primary.db());
    List<String> backups = lab.files(primary, primary.backupDir());
    Path etc = lab.hosts().root().resolve(primary.host().name()).resolve("etc");
    Path key = etc.resolve("ssh_host_ed25519_key");
    Path saved = Files.createDirectories(lab.work().resolve("saved-host-key"));
    Files.copy(key, saved.resolve("key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        etc.resolve("ssh_host_ed25519_key.pub"),
        saved.resolve("key.pub"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    // The machine was reinstalled (or someone sits in between): same address, another key.
    lab.hosts().killSshd(primary.host());
    Baton.Result plain;
    Baton.Result accepting;
    try {
      Files.delete(key);
      Files.delete(etc.resolve("ssh_host_ed25519_key.pub"));
      Process keygen =
          new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
              .redirectErrorStream(true)
              .start();
      assertThat(keygen.waitFor()).isZero();
      // Not lab.startSshd: its own ssh (strict, like baton) would refuse the new key too.
      lab.hosts().startSshd(primary.host());
      plain = failback(2).await(LIMIT);
      accepting =
          lab.baton(
              "play",
              "-i",
              lab.inventory().toString(),
              "--limit",
              primary.name(),
              "--accept-new-host-keys",
              SEED.toString());
    } finally {
      lab.hosts().killSshd(primary.host());
      Files.copy(saved.resolve("key"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(
          saved.resolve("key.pub"),
          etc.resolve("ssh_host_ed25519_key.pub"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      lab.startSshd(primary);
    }

    for (Baton.Result r : List.of(plain, accepting)) {
      assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
      assertThat(r.stdout())
          .contains("fatal: [" + primary.name() + "]: UNREACHABLE!")
          .containsIgnoringCase("host key");
    }
    // Nothing ran there: no lock taken, no backup moved, the database as it was.
    assertThat(lab.files(primary, primary.backupDir())).isEqualTo(backups);
    assertThat(lab.files(primary, primary.dbDir())).noneMatch(f -> f.contains(".baton-lock."));
    assertThat(lab.digest(primary, primary.db())).isEqualTo(oldDigest);
  }

  private static void awaitLines(Path file, int lines) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!Files.exists(file) || Files.readAllLines(file).size() < lines) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " did not reach " + lines + " lines in " + LIMIT);
      }
      Thread.sleep(20);
    }
  }

  private static void awaitSize(Path file, long bytes) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!Files.exists(file) || Files.size(file) < bytes) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " did not reach " + bytes + " bytes");
      }
      Thread.sleep(10);
    }
  }

  private static void mountTmpfs(SiteLab.Site s, String dir, String size) {
    var r =
        lab.hosts()
            .runOn(s.host(), "mount -t tmpfs -o size=" + size + " baton-e2e-full '" + dir + "'");
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  private static void unmount(SiteLab.Site s, String dir) {
    var r = lab.hosts().runOn(s.host(), "umount '" + dir + "'");
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }
}

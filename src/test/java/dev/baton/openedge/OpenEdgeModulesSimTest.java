package dev.baton.openedge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.modules.TaskResult;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.HostSpec;
import dev.baton.ssh.SshConnector;
import dev.baton.testing.TestHosts;
import dev.baton.testkit.SimLab;
import dev.baton.testkit.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every OpenEdge module against the simulator's utilities, on two real SSH hosts (in-process MINA
 * servers running real shells): "secondary" and "primary".
 */
class OpenEdgeModulesSimTest {
  @RegisterExtension final TestHosts hosts = TestHosts.withHosts(2).env(SimLab.simEnv());

  SshConnector ssh;
  SimLab lab;
  Path sec;
  Path pri;
  TestContext onSec;
  TestContext onPri;

  @BeforeEach
  void setUp() throws Exception {
    ssh = new SshConnector(hosts.settings());
    lab =
        new SimLab()
            .use("secondary", ssh.connect(named(hosts.spec(0), "secondary")))
            .use("primary", ssh.connect(named(hosts.spec(1), "primary")));
    sec = lab.dir("secondary");
    pri = lab.dir("primary");
    onSec = lab.context("secondary", "primary");
    onPri = lab.context("primary", "secondary");
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      lab.close();
    } finally {
      ssh.close();
    }
  }

  private static HostSpec named(HostSpec s, String name) {
    return new HostSpec(
        name,
        s.address(),
        s.port(),
        s.user(),
        s.identityFiles(),
        s.password(),
        s.keyPassphrase(),
        s.proxyJump(),
        s.connectTimeout(),
        s.connectRetries());
  }

  private static TaskResult run(String module, TestContext ctx, Map<String, Object> args)
      throws Exception {
    return OpenEdgeModules.all().stream()
        .filter(m -> m.name().equals(module))
        .findFirst()
        .orElseThrow()
        .run(ctx, args);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> facts(TaskResult r) {
    return (Map<String, Object>) r.data().get("openedge");
  }

  private void serveSource() throws Exception {
    lab.ok(
        sec,
        "proserve",
        "sdb",
        "-S",
        Integer.toString(SimLab.freePort()),
        "-DBService",
        "replserv");
  }

  private String backupOfSource() throws Exception {
    lab.sourceDb(sec, "sdb");
    serveSource();
    String dest = sec.resolve("backups/sdb.bck").toString();
    TaskResult b = run("openedge_backup", onSec, Map.of("db", sec + "/sdb", "dest", dest));
    assertThat(b).as(b.msg()).isInstanceOf(TaskResult.Changed.class);
    return dest;
  }

  /** Every file under a directory with its size, to prove that nothing changed. */
  private static Map<String, Long> snapshot(Path dir) throws Exception {
    Map<String, Long> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(dir.relativize(p).toString(), Files.size(p));
      }
    }
    return m;
  }

  /** Record count and content hash (the position differs between a source and its copy). */
  private String content(Path dir, String db) throws Exception {
    return lab.ok(dir, "oesim", "digest", db).stdout().replaceAll("\\s*position=\\S+", "").strip();
  }

  private static Map<String, String> digests(Path dir) throws Exception {
    Map<String, String> m = new TreeMap<>();
    for (String f : snapshot(dir).keySet()) {
      m.put(f, sha(dir.resolve(f)));
    }
    return m;
  }

  private static String sha(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  @Test
  void factsReportExistenceServingAndRoles() throws Exception {
    TaskResult missing = run("openedge_facts", onPri, Map.of("db", pri + "/pdb"));
    assertThat(missing).isInstanceOf(TaskResult.Ok.class);
    assertThat(facts(missing)).containsEntry("exists", false);

    lab.sourceDb(sec, "sdb");
    TaskResult cold = run("openedge_facts", onSec, Map.of("db", sec + "/sdb"));
    assertThat(facts(cold))
        .containsEntry("exists", true)
        .containsEntry("served", false)
        .containsEntry("role", "source");

    serveSource();
    TaskResult hot = run("openedge_facts", onSec, Map.of("db", sec + "/sdb.db"));
    assertThat(hot).isInstanceOf(TaskResult.Ok.class);
    assertThat(facts(hot))
        .containsEntry("served", true)
        .containsEntry("in_use", true)
        .containsEntry("role", "source");
    assertThat(facts(hot).get("status")).asString().contains("code=1");
    assertThat(hot.msg()).contains("served").contains("replication source");

    lab.ok(sec, "prodb", "plain");
    assertThat(facts(run("openedge_facts", onSec, Map.of("db", sec + "/plain"))))
        .containsEntry("role", "none");
  }

  @Test
  void backupRefusesUnservedDbOnlineThenTakesItOnceWithManifest() throws Exception {
    lab.sourceDb(sec, "sdb");
    String dest = sec.resolve("backups/sdb.bck").toString();
    Map<String, Object> args = Map.of("db", sec + "/sdb", "dest", dest);

    TaskResult refused = run("openedge_backup", onSec, args);
    assertThat(refused).isInstanceOf(TaskResult.Failed.class);
    assertThat(refused.msg()).contains("online backup needs").contains("served");
    assertThat(Path.of(dest)).doesNotExist();

    serveSource();
    int before = onSec.commands().size();
    TaskResult taken = run("openedge_backup", onSec, args);
    assertThat(taken).as(taken.msg()).isInstanceOf(TaskResult.Changed.class);
    assertThat(taken.msg()).contains("(3740)");
    // It asks the source who uses it, not its role: describe would open a db that is not served.
    assertThat(List.copyOf(onSec.commands().subList(before, onSec.commands().size())))
        .anyMatch(c -> c.contains("-C busy"))
        .noneMatch(c -> c.contains("-C describe"));
    assertThat(taken.data()).containsEntry("sha256", sha(Path.of(dest)));
    assertThat(taken.data()).containsEntry("size", Files.size(Path.of(dest)));
    assertThat(Files.readString(Path.of(dest + ".done"))).contains("sha256=" + sha(Path.of(dest)));

    TaskResult again = run("openedge_backup", onSec, args);
    assertThat(again).isInstanceOf(TaskResult.Ok.class);
    assertThat(again.msg()).startsWith("backup already taken");

    Map<String, Object> forced = new HashMap<>(args);
    forced.put("force", true);
    assertThat(run("openedge_backup", onSec, forced)).isInstanceOf(TaskResult.Changed.class);
  }

  @Test
  void offlineBackupRefusesServedDb() throws Exception {
    lab.sourceDb(sec, "sdb");
    serveSource();
    TaskResult r =
        run(
            "openedge_backup",
            onSec,
            Map.of("db", sec + "/sdb", "dest", sec + "/off.bck", "online", false));
    assertThat(r).isInstanceOf(TaskResult.Failed.class);
    assertThat(r.msg()).contains("offline backup refused");

    // Ansible's short spelling of false means offline too; a word that is no boolean is refused
    // before anything runs on the host.
    TaskResult shortNo =
        run(
            "openedge_backup",
            onSec,
            Map.of("db", sec + "/sdb", "dest", sec + "/off.bck", "online", "n"));
    assertThat(shortNo.msg()).contains("offline backup refused");
    int before = onSec.commands().size();
    TaskResult maybe =
        run(
            "openedge_backup",
            onSec,
            Map.of("db", sec + "/sdb", "dest", sec + "/off.bck", "online", "maybe"));
    assertThat(maybe).isInstanceOf(TaskResult.Failed.class);
    assertThat(maybe.msg()).contains("online must be true or false, not 'maybe'");
    assertThat(onSec.commands().subList(before, onSec.commands().size())).isEmpty();
    assertThat(sec.resolve("off.bck")).doesNotExist();
  }

  @Test
  void restorePreservesTheOldDatabaseThenLeavesATarget() throws Exception {
    String backup = backupOfSource();
    // The stale primary: an old copy with its own records, log and recovery file.
    lab.ok(pri, "prodb", "pdb");
    lab.ok(pri, "oesim", "write", "pdb", "old", "data");
    Files.writeString(pri.resolve("pdb.repl.recovery"), "stale");
    Map<String, String> old = digests(pri);
    Path keep = lab.dir("preserved");

    Map<String, Object> args =
        Map.of("db", pri + "/pdb", "backup", backup, "preserve_dir", keep.toString());
    TaskResult r = run("openedge_restore", onPri, args);
    assertThat(r).as(r.msg()).isInstanceOf(TaskResult.Changed.class);
    assertThat(r.data()).containsEntry("role", "target");

    Path preserved = Path.of((String) r.data().get("preserved_to"));
    // Every file of the old db, byte for byte, at its original absolute path under preserved_to.
    for (String f : old.keySet()) {
      Path moved = Path.of(preserved + pri.resolve(f).toString());
      assertThat(moved).as("preserved " + f).exists();
      assertThat(sha(moved)).as(f).isEqualTo(old.get(f));
    }
    assertThat(Files.readString(preserved.resolve("MANIFEST"))).contains(pri + "/pdb.db -> ");
    assertThat(pri.resolve("pdb.repl.recovery")).doesNotExist();

    ExecResult describe = lab.ok(pri, "proutil", "pdb", "-C", "describe");
    assertThat(describe.stdout()).containsPattern("1\\s+OpenEdge Replication\\s+Yes\\s+Target");
    assertThat(content(pri, "pdb")).isEqualTo(content(sec, "sdb")).contains("records=2");

    TaskResult again = run("openedge_restore", onPri, args);
    assertThat(again).isInstanceOf(TaskResult.Ok.class);
    assertThat(again.msg()).startsWith("already a target restored from " + backup);
    // Asked again (a resume whose first run lost the result), it still names where the old db is.
    assertThat(again.data()).containsEntry("preserved_to", preserved.toString());
  }

  /**
   * An earlier attempt of the run moved the old db aside and lost its connection before it could
   * say so (a chaos run's link cut): the retry finds nothing to preserve and must still name the
   * directory that holds the old primary.
   */
  @Test
  void aRetryAfterTheOldDbWasMovedAsideNamesWhereItWent() throws Exception {
    String backup = backupOfSource();
    lab.ok(pri, "prodb", "pdb");
    lab.ok(pri, "oesim", "write", "pdb", "old", "data");
    Path keep = lab.dir("preserved-retry");
    Map<String, Object> args =
        Map.of("db", pri + "/pdb", "backup", backup, "preserve_dir", keep.toString());
    TaskResult r = run("openedge_restore", onPri, args);
    assertThat(r).as(r.msg()).isInstanceOf(TaskResult.Changed.class);
    String preserved = (String) r.data().get("preserved_to");
    // As if the restore had never run after the preserve: no database in its place, no record.
    try (var files = Files.list(pri)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("pdb")).toList()) {
        if (!f.getFileName().toString().endsWith(".st")
            && !f.getFileName().toString().endsWith(".repl.properties")) {
          Files.delete(f);
        }
      }
    }
    TaskResult again = run("openedge_restore", onPri, args);
    assertThat(again).as(again.msg()).isInstanceOf(TaskResult.Changed.class);
    assertThat(again.data()).containsEntry("preserved_to", preserved);
  }

  @Test
  void restoreIntoEmptyPlaceNeedsNoPreserveDir() throws Exception {
    String backup = backupOfSource();
    TaskResult r =
        run(
            "openedge_restore",
            onPri,
            Map.of("db", pri + "/pdb", "backup", backup, "transition", "enable"));
    assertThat(r).as(r.msg()).isInstanceOf(TaskResult.Changed.class);
    assertThat(r.data()).containsEntry("role", "target").doesNotContainKey("preserved_to");
  }

  @Test
  void restoreRefusesAServedDatabaseAndChangesNothing() throws Exception {
    String backup = backupOfSource();
    lab.ok(pri, "prodb", "pdb");
    lab.ok(pri, "proserve", "pdb", "-S", Integer.toString(SimLab.freePort()));
    Map<String, Long> before = snapshot(pri);
    TaskResult r =
        run(
            "openedge_restore",
            onPri,
            Map.of(
                "db", pri + "/pdb", "backup", backup, "preserve_dir", lab.dir("keep").toString()));
    assertThat(r).isInstanceOf(TaskResult.Failed.class);
    assertThat(r.msg()).contains("is in use").endsWith("nothing changed");
    assertThat(snapshot(pri).keySet()).isEqualTo(before.keySet());
    assertThat(lab.dir("keep")).isEmptyDirectory();
  }

  @Test
  void restoreRefusesALiveSourceAndChangesNothing() throws Exception {
    String backup = backupOfSource();
    lab.sourceDb(pri, "pdb");
    lab.ok(
        pri,
        "proserve",
        "pdb",
        "-S",
        Integer.toString(SimLab.freePort()),
        "-DBService",
        "replserv");
    Map<String, Long> before = snapshot(pri);
    TaskResult r =
        run(
            "openedge_restore",
            onPri,
            Map.of(
                "db", pri + "/pdb", "backup", backup, "preserve_dir", lab.dir("keep").toString()));
    assertThat(r).isInstanceOf(TaskResult.Failed.class);
    assertThat(r.msg()).contains("is in use").endsWith("nothing changed");
    assertThat(snapshot(pri).keySet()).isEqualTo(before.keySet());
    assertThat(lab.ok(pri, "proutil", "pdb", "-C", "describe").stdout())
        .containsPattern("OpenEdge Replication\\s+Yes\\s+Source");
    assertThat(lab.dir("keep")).isEmptyDirectory();
  }

  @Test
  void restoreReplacesAShutDownStaleSourceOnlyAfterPreservingIt() throws Exception {
    String backup = backupOfSource();
    // After a failover the repaired primary still says Source: the copy step 7 replaces.
    lab.sourceDb(pri, "pdb");
    Map<String, String> old = digests(pri);
    TaskResult r =
        run(
            "openedge_restore",
            onPri,
            Map.of(
                "db", pri + "/pdb", "backup", backup, "preserve_dir", lab.dir("keep").toString()));
    assertThat(r).as(r.msg()).isInstanceOf(TaskResult.Changed.class);
    assertThat(r.data()).containsEntry("previous_role", "source").containsEntry("role", "target");
    Path preserved = Path.of((String) r.data().get("preserved_to"));
    assertThat(sha(Path.of(preserved + pri.resolve("pdb.db").toString())))
        .isEqualTo(old.get("pdb.db"));
  }

  /**
   * The runner died while PROREST ran; PROREST finished alone (it does not die with the session).
   * The resumed restore reads the outcome instead of taking that fresh copy for "the old primary":
   * it adopts it, restores nothing again, and names the directory where the real old primary went.
   */
  @Test
  void aProrestThatFinishedAloneIsAdoptedNotPreservedAsTheOldPrimary() throws Exception {
    String backup = backupOfSource();
    lab.ok(pri, "prodb", "pdb");
    lab.ok(pri, "oesim", "write", "pdb", "old", "data");
    Map<String, Object> args =
        Map.of("db", pri + "/pdb", "backup", backup, "preserve_dir", lab.dir("keep").toString());
    TaskResult first = run("openedge_restore", onPri, args);
    assertThat(first).as(first.msg()).isInstanceOf(TaskResult.Changed.class);
    String oldPrimary = (String) first.data().get("preserved_to");
    // What the killed run left: no result, no marker; the intent it wrote before PROREST, and
    // PROREST's pid, now gone.
    Files.delete(pri.resolve("pdb.baton-restore"));
    Files.writeString(
        pri.resolve("pdb.baton-restore-intent"),
        "backup="
            + backup
            + "\nsha256="
            + first.data().get("backup_sha256")
            + "\npreserved_to="
            + oldPrimary
            + "\n");
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(pri.resolve("pdb.baton-prorest"), gone.pid() + "\n");

    TaskResult resumed = run("openedge_restore", onPri, args);
    assertThat(resumed).as(resumed.msg()).isInstanceOf(TaskResult.Changed.class);
    assertThat(resumed.msg())
        .contains("finished on its own")
        .endsWith("the old db was moved to " + oldPrimary);
    assertThat(resumed.data())
        .containsEntry("preserved_to", oldPrimary)
        .containsEntry("role", "target");
    assertThat(Files.readString(pri.resolve("pdb.lg")).split("\\(1368\\)", -1))
        .as("one restore started")
        .hasSize(2);
    try (var dirs = Files.list(lab.dir("keep"))) {
      assertThat(dirs.toList()).as("nothing preserved a second time").hasSize(1);
    }
    assertThat(pri.resolve("pdb.baton-restore-intent")).doesNotExist();
    assertThat(content(pri, "pdb")).isEqualTo(content(sec, "sdb"));
  }

  @Test
  void aKilledProrestLeavesNoLockBehindAndTheNextRunRestores() throws Exception {
    String backup = backupOfSource();
    lab.ok(pri, "prodb", "pdb");
    lab.ok(pri, "oesim", "write", "pdb", "old", "data");
    Map<String, String> old = digests(pri);
    // 1 byte/s: PROREST holds the lock until it is killed. oesim.faults outlives the preserve.
    Files.writeString(pri.resolve("oesim.faults"), "BATON_SIM_FAULT_RESTORE_RATE=1\n");
    Map<String, Object> args =
        Map.of("db", pri + "/pdb", "backup", backup, "preserve_dir", lab.dir("keep").toString());
    CompletableFuture<TaskResult> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return run("openedge_restore", onPri, args);
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    Path pidFile = pri.resolve("pdb.baton-prorest");
    Path lock = pri.resolve("pdb.lk");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.exists(lock) && Files.exists(pidFile) && Files.size(pidFile) > 0)) {
      assertThat(System.nanoTime()).as("prorest holds the lock").isLessThan(deadline);
      assertThat(first).as("the restore still runs").isNotDone();
      Thread.sleep(10);
    }
    ProcessHandle prorest =
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElseThrow();
    assertThat(prorest.info().commandLine().orElse("")).contains("SimMain prorest");
    prorest.destroyForcibly();

    TaskResult r = first.get(60, TimeUnit.SECONDS);
    assertThat(r).isInstanceOf(TaskResult.Failed.class);
    assertThat(r.msg()).contains("exited 137").contains("killed: removed the " + pri + "/pdb.lk");
    assertThat(lock).doesNotExist();
    assertThat(pidFile).doesNotExist();
    Path preserved = Path.of((String) r.data().get("preserved_to"));
    assertThat(sha(Path.of(preserved + pri.resolve("pdb.db").toString())))
        .isEqualTo(old.get("pdb.db"));

    Files.delete(pri.resolve("oesim.faults"));
    TaskResult again = run("openedge_restore", onPri, args);
    assertThat(again).as(again.msg()).isInstanceOf(TaskResult.Changed.class);
    assertThat(again.data()).containsEntry("role", "target");
    assertThat(content(pri, "pdb")).isEqualTo(content(sec, "sdb"));
  }

  @Test
  void aLockIsRemovedOnlyWhenItCameAfterTheRecordedProrestAndThatIsGone() throws Exception {
    String backup = backupOfSource();
    Path lock = pri.resolve("pdb.lk");
    Path pidFile = pri.resolve("pdb.baton-prorest");
    Files.writeString(lock, "mode=SINGLE_USER\nstate=RUNNING\nhost=elsewhere\npid=1\n");
    Map<String, Object> args = Map.of("db", pri + "/pdb", "backup", backup);

    // A lock nobody recorded (another prorest or prodb creating the db): refused, kept.
    TaskResult foreign = run("openedge_restore", onPri, args);
    assertThat(foreign).isInstanceOf(TaskResult.Failed.class);
    assertThat(foreign.msg())
        .contains(pri + "/pdb.lk exists but " + pri + "/pdb.db does not")
        .contains("another process")
        .endsWith("nothing changed");
    assertThat(lock).exists();
    assertThat(pri.resolve("pdb.db")).doesNotExist();

    // Recorded, but the pid still runs (and is not waited for: wait_earlier 0).
    long alive = ProcessHandle.current().pid();
    Files.writeString(pidFile, alive + "\n");
    age(pidFile, 10);
    TaskResult running =
        run(
            "openedge_restore",
            onPri,
            Map.of("db", pri + "/pdb", "backup", backup, "wait_earlier", 0));
    assertThat(running.msg())
        .contains("still runs (pid " + alive + ")")
        .endsWith("nothing changed");
    assertThat(lock).exists();
    assertThat(pidFile).exists();

    // Recorded and gone, but the lock was there before it: not ours.
    Process done = new ProcessBuilder("true").start();
    done.waitFor();
    Files.writeString(pidFile, done.pid() + "\n");
    age(lock, 10);
    TaskResult older = run("openedge_restore", onPri, args);
    assertThat(older.msg()).contains("another process").endsWith("nothing changed");
    assertThat(lock).exists();
    assertThat(pidFile).as("a gone pid is forgotten").doesNotExist();

    // Recorded, gone, and the lock came after it: our interrupted prorest's. Removed, restored.
    Files.writeString(pidFile, done.pid() + "\n");
    age(pidFile, 20);
    TaskResult ours = run("openedge_restore", onPri, args);
    assertThat(ours).as(ours.msg()).isInstanceOf(TaskResult.Changed.class);
    assertThat(ours.msg()).contains("removed the " + pri + "/pdb.lk of an interrupted prorest");
    assertThat(lock).doesNotExist();
    assertThat(pidFile).doesNotExist();
    assertThat(content(pri, "pdb")).isEqualTo(content(sec, "sdb"));
  }

  /** Sets a file's modification time {@code seconds} into the past. */
  private static void age(Path file, int seconds) throws Exception {
    Files.setLastModifiedTime(
        file, FileTime.fromMillis(System.currentTimeMillis() - seconds * 1000L));
  }

  /** Restore of {@code backup} over pri/pdb, preserving into keep/, expecting {@code sha256}. */
  private Map<String, Object> restoreArgs(String backup, String sha256) throws Exception {
    return Map.of(
        "db",
        pri + "/pdb",
        "backup",
        backup,
        "preserve_dir",
        lab.dir("keep").toString(),
        "expected_sha256",
        sha256);
  }

  @Test
  void restoreReliesOnATransfersRecordOnlyWhileTheBackupIsUnchanged() throws Exception {
    String backup = backupOfSource();
    String real = sha(Path.of(backup));
    long size = Files.size(Path.of(backup));
    lab.ok(pri, "prodb", "pdb");
    Map<String, Long> before = snapshot(pri);
    Path record = Path.of(backup + ".verified");
    Map<String, Object> args = restoreArgs(backup, "ab".repeat(32));

    // A record that vouches for the expected digest but not for the file's size: digested.
    Files.writeString(record, "sha256=" + "ab".repeat(32) + "\nsize=" + (size + 1) + "\n");
    TaskResult wrongSize = run("openedge_restore", onPri, args);
    assertThat(wrongSize.msg()).contains("has sha256 " + real).contains("not the expected");
    assertThat(wrongSize.data()).containsEntry("backup_sha256_by", "digest");

    // The backup modified after a record that matched it: digested, and refused.
    Files.writeString(record, "sha256=" + "ab".repeat(32) + "\nsize=" + size + "\n");
    Files.setLastModifiedTime(
        record, FileTime.fromMillis(Files.getLastModifiedTime(Path.of(backup)).toMillis() - 5000));
    TaskResult modified = run("openedge_restore", onPri, args);
    assertThat(modified.msg()).contains("has sha256 " + real).contains("not the expected");
    assertThat(modified.data()).containsEntry("backup_sha256_by", "digest");
    assertThat(snapshot(pri)).isEqualTo(before);

    // A current record for the real digest and size: relied on, the restore goes ahead.
    Files.writeString(record, "sha256=" + real + "\nsize=" + size + "\n");
    TaskResult r = run("openedge_restore", onPri, restoreArgs(backup, real));
    assertThat(r).as(r.msg()).isInstanceOf(TaskResult.Changed.class);
    assertThat(r.data())
        .containsEntry("backup_sha256_by", "transfer record")
        .containsEntry("backup_sha256", real)
        .containsEntry("role", "target");
  }

  @Test
  void restoreRefusesWithoutPreserveDirOrWithWrongChecksum() throws Exception {
    String backup = backupOfSource();
    lab.ok(pri, "prodb", "pdb");
    Map<String, Long> before = snapshot(pri);
    TaskResult noKeep =
        run("openedge_restore", onPri, Map.of("db", pri + "/pdb", "backup", backup));
    assertThat(noKeep.msg()).contains("preserve_dir is required");
    TaskResult wrong = run("openedge_restore", onPri, restoreArgs(backup, "ab".repeat(32)));
    assertThat(wrong).isInstanceOf(TaskResult.Failed.class);
    assertThat(wrong.msg()).contains("not the expected");
    assertThat(snapshot(pri)).isEqualTo(before);
  }

  @Test
  void structureFromSourceIsRewrittenAndMissingDirectoriesRefused() throws Exception {
    lab.sourceDb(sec, "sdb");
    Map<String, Object> args = new HashMap<>();
    args.put("db", pri + "/data/pdb");
    args.put("from_host", "secondary");
    args.put("from_db", sec + "/sdb");

    TaskResult missing = run("openedge_structure", onPri, args);
    assertThat(missing).isInstanceOf(TaskResult.Failed.class);
    assertThat(missing.msg()).contains(pri + "/data").contains("not written");
    assertThat(pri.resolve("data/pdb.st")).doesNotExist();

    args.put("create_dirs", true);
    TaskResult written = run("openedge_structure", onPri, args);
    assertThat(written).as(written.msg()).isInstanceOf(TaskResult.Changed.class);
    String st = Files.readString(pri.resolve("data/pdb.st"));
    assertThat(st)
        .contains("d \"Schema Area\":6,32;1 " + pri + "/data/pdb.d1")
        .contains(pri + "/data/pdb_7.d1")
        .doesNotContain(sec.toString());

    TaskResult same = run("openedge_structure", onPri, args);
    assertThat(same).isInstanceOf(TaskResult.Ok.class);
    assertThat(same.msg()).contains("already has this structure");
  }

  @Test
  void restoreHonoursTheStructureWritten() throws Exception {
    String backup = backupOfSource();
    Files.createDirectories(pri.resolve("db"));
    Files.createDirectories(pri.resolve("extents"));
    TaskResult st =
        run(
            "openedge_structure",
            onPri,
            Map.of(
                "db",
                pri + "/db/pdb",
                "from_host",
                "secondary",
                "from_db",
                sec + "/sdb",
                "path_map",
                Map.of(sec.toString(), pri + "/extents")));
    assertThat(st).as(st.msg()).isInstanceOf(TaskResult.Changed.class);
    TaskResult r = run("openedge_restore", onPri, Map.of("db", pri + "/db/pdb", "backup", backup));
    assertThat(r).as(r.msg()).isInstanceOf(TaskResult.Changed.class);
    assertThat(pri.resolve("extents/pdb.d1")).exists();
    assertThat(pri.resolve("extents/pdb_7.d1")).exists();
  }

  @Test
  void serveStartsAndStopsOnlyWhenNeeded() throws Exception {
    lab.ok(pri, "prodb", "pdb");
    Map<String, Object> start =
        Map.of("db", pri + "/pdb", "port", SimLab.freePort(), "state", "started");
    assertThat(run("openedge_serve", onPri, start)).isInstanceOf(TaskResult.Changed.class);
    assertThat(lab.run(pri, null, "proutil", "pdb", "-C", "busy").exitCode()).isEqualTo(6);
    assertThat(run("openedge_serve", onPri, start)).isInstanceOf(TaskResult.Ok.class);
    Map<String, Object> stop = Map.of("db", pri + "/pdb", "state", "stopped");
    assertThat(run("openedge_serve", onPri, stop)).isInstanceOf(TaskResult.Changed.class);
    assertThat(lab.run(pri, null, "proutil", "pdb", "-C", "busy").exitCode()).isZero();
    assertThat(run("openedge_serve", onPri, stop)).isInstanceOf(TaskResult.Ok.class);
  }

  @Test
  void commandsQuoteEveryValue() throws Exception {
    Path odd = lab.dir("it's a dir");
    lab.ok(odd, "prodb", "db1");
    TaskResult r = run("openedge_facts", onSec, Map.of("db", odd + "/db1"));
    assertThat(facts(r)).containsEntry("exists", true).containsEntry("role", "none");
    assertThat(List.copyOf(onSec.commands()))
        .filteredOn(c -> c.contains("proutil"))
        .isNotEmpty()
        .allMatch(
            c ->
                c.startsWith(
                    "cd '" + lab.root.toString().replace("'", "") + "/it'\"'\"'s a dir' && DLC="));
    assertThat(List.copyOf(onSec.commands()))
        .contains("test -f '" + odd.toString().replace("'", "'\"'\"'") + "/db1.db'");
    assertThat(List.copyOf(onSec.commands())).anyMatch(c -> c.contains("proutil db1 -C describe"));
  }
}

package dev.baton.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.Baton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Chaos runs (issue #17): seeds of one site pair on real OpenSSH machines while a writer commits on
 * the source, each with a fault drawn at random and injected at a random moment, then {@code baton
 * resume} until done. After each: the roles are right, the target's records equal the source's,
 * every key the writer saw committed is on the target, the database preserved is the real old
 * primary, and no lock or utility process is left.
 *
 * <p>Each run is the seed ({@code playbooks/secondary-replication.yml}); the target is then started
 * as the operator's next step does, must catch up, and is shut down again for the next run.
 *
 * <p>{@code -Dbaton.chaos.runs=N} (default 10, the CI run), {@code -Dbaton.chaos.seed=S} (default
 * fixed; {@code random} draws one). The seed is printed: a failure is replayed with it. {@code
 * bench/chaos.sh} runs 50.
 */
class ChaosE2eTest {
  static final Path SEED = SeedE2eTest.SEED;
  static final Duration LIMIT = Duration.ofMinutes(3);

  enum Fault {
    LINK_CUT,
    SSHD_KILL,
    RUNNER_KILL,
    DISK_FULL,
    REPLICATION_LINK_CUT,
    CONCURRENT_OPERATOR
  }

  /** Where a fault may strike: the start of these tasks, plus a random delay. */
  static final List<String> MOMENTS =
      List.of(
          "TASK [Lock the secondary's database]",
          "TASK [Online backup of the secondary database]",
          "TASK [Move the backup to the primary]",
          "TASK [Preserve the old primary database",
          "TASK [Read the roles again]");

  // In the default suite since the defect its CI seed (20261207) found is fixed: a runner or sshd
  // killed while openedge_restore moved the old database aside left it half moved, and every
  // resume failed reading its role; a resume now finishes the planned moves (PreserveDatabase).
  @Test
  void everyFaultIsSurvivedAndNoRecordIsLost() throws Exception {
    int runs = Integer.getInteger("baton.chaos.runs", 10);
    String seedText = System.getProperty("baton.chaos.seed", "20261207");
    long seed = seedText.equals("random") ? new Random().nextLong() : Long.parseLong(seedText);
    System.out.println("chaos: seed=" + seed + " runs=" + runs);
    Random rnd = new Random(seed);
    try (SiteLab lab = SiteLab.start(4L << 20)) {
      lab.hosts().assumeIsolated();
      lab.allVars("baton_ssh_keepalive=2\nansible_timeout=3\ntransfer_retry_budget=4\n");
      SiteLab.Site primary = lab.site(1, "primary");
      SiteLab.Site secondary = lab.site(1, "secondary");
      int survived = 0;
      long lost = 0;
      List<String> broken = new ArrayList<>();
      for (int i = 1; i <= runs; i++) {
        Fault fault = Fault.values()[rnd.nextInt(Fault.values().length)];
        String moment = MOMENTS.get(rnd.nextInt(MOMENTS.size()));
        long delayMs = rnd.nextInt(1500);
        String oldPrimary = instance(lab, primary, primary.db());
        String keysOnHost = secondary.dbDir() + "/chaos-keys-" + i + ".log";
        Path keys = secondary.local(keysOnHost);
        String writer = startWriter(lab, secondary, keysOnHost);
        String line =
            "chaos " + i + "/" + runs + ": " + fault + " at " + moment + " +" + delayMs + "ms";
        Outcome o;
        try {
          o = runWithFault(lab, primary, fault, moment, delayMs);
        } finally {
          lab.hosts().linkUp(primary.host());
          lab.hosts().runOn(secondary.host(), "kill " + writer + " 2>/dev/null; true");
        }
        List<String> problems = invariants(lab, primary, secondary, keys, oldPrimary, o);
        long missing = missingKeys(lab, primary, keys);
        lost += Math.max(0, missing);
        // The next seed starts from a shut-down primary, as a failback does.
        lab.sh(primary, "proshut " + primary.db() + " -by");
        if (problems.isEmpty() && missing == 0) {
          survived++;
          System.out.println(line + ": survived (" + o.resumes + " resume(s))");
        } else {
          broken.add(line + ": " + String.join("; ", problems) + "; missing keys " + missing);
          // Kept for the post-mortem: the lab (and its runs directory) goes when the test ends.
          if (o.journal() != null && Files.exists(o.journal())) {
            Path kept = Path.of("target", "chaos-" + seed + "-" + i + ".jsonl");
            Files.copy(o.journal(), kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            broken.set(broken.size() - 1, broken.get(broken.size() - 1) + "; journal " + kept);
          }
          System.out.println(broken.get(broken.size() - 1));
        }
      }
      System.out.println(
          "chaos: seed="
              + seed
              + " faults injected="
              + runs
              + " survived="
              + survived
              + " records lost="
              + lost);
      assertThat(broken).as("seed " + seed).isEmpty();
      assertThat(lost).isZero();
    }
  }

  /** How a run ended: its id, the last exit code, how many resumes it took, its journal. */
  record Outcome(Fault fault, String run, int exit, int resumes, Path journal, String output) {}

  private Outcome runWithFault(
      SiteLab lab, SiteLab.Site primary, Fault fault, String moment, long delayMs)
      throws Exception {
    if (fault == Fault.DISK_FULL) {
      mount(lab, primary, primary.backupDir(), "1m");
    }
    RunningBaton b;
    Baton.Result first;
    String run = null;
    try {
      b = new RunningBaton(lab.startBaton(args(lab, primary)));
      try {
        String at = moment;
        if (fault != Fault.DISK_FULL) {
          b.awaitOutput(at, LIMIT);
          // Its id now, from the runs directory: a killed runner never prints its journal line.
          List<String> ids = lab.runIds();
          run = ids.get(ids.size() - 1);
          Thread.sleep(delayMs);
        }
        switch (fault) {
          case LINK_CUT -> {
            lab.hosts().linkDown(primary.host());
            Thread.sleep(2000 + delayMs * 4);
            lab.hosts().linkUp(primary.host());
          }
          case SSHD_KILL -> {
            lab.hosts().killSshd(primary.host());
            Thread.sleep(1000 + delayMs);
            lab.startSshd(primary);
          }
          case RUNNER_KILL -> b.kill();
          case CONCURRENT_OPERATOR -> {
            Baton.Result other = new RunningBaton(lab.startBaton(args(lab, primary))).await(LIMIT);
            // Refused by the lock (6) unless the first run had ended already.
            assertThat(other.exitCode()).as(other.all()).isIn(0, 6);
          }
          case DISK_FULL, REPLICATION_LINK_CUT -> {
            // The replication link is cut while the started target catches up (invariants).
          }
        }
        first = b.await(LIMIT);
      } finally {
        b.close();
      }
    } finally {
      if (fault == Fault.DISK_FULL) {
        unmount(lab, primary, primary.backupDir());
      }
    }
    if (run == null) {
      run = SiteLab.runIdOf(first);
    }
    Baton.Result last = first;
    int resumes = 0;
    while (last.exitCode() != 0 && resumes < 4) {
      resumes++;
      last = lab.baton("resume", run);
    }
    return new Outcome(fault, run, last.exitCode(), resumes, SiteLab.journalOf(last), last.all());
  }

  private static String[] args(SiteLab lab, SiteLab.Site primary) {
    return new String[] {
      "play", "-i", lab.inventory().toString(), "--limit", primary.name(), SEED.toString()
    };
  }

  /** The writer: commits 20 keys a second on the source, each logged once committed. */
  private static String startWriter(SiteLab lab, SiteLab.Site secondary, String keys) {
    var r =
        lab.sh(
            secondary,
            "{ setsid nohup oesim writer "
                + secondary.db()
                + " --log "
                + keys
                + " --rate 20/s >/dev/null 2>&1 < /dev/null & } ; echo $!");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r.stdout().strip();
  }

  private List<String> invariants(
      SiteLab lab,
      SiteLab.Site primary,
      SiteLab.Site secondary,
      Path keys,
      String oldPrimary,
      Outcome o)
      throws Exception {
    List<String> p = new ArrayList<>();
    if (o.exit != 0) {
      p.add("exit " + o.exit + " after " + o.resumes + " resume(s): " + tail(o.output));
      return p;
    }
    if (!lab.role(secondary).equals("source") || !lab.role(primary).equals("target")) {
      p.add("roles " + lab.role(secondary) + "/" + lab.role(primary));
    }
    // The seed leaves the target shut down: started as the operator's next step does, it catches
    // up with everything the writer committed (it has stopped) through replication.
    var served =
        lab.sh(
            primary,
            "proserve "
                + primary.db()
                + " -S "
                + primary.dbPort()
                + " -DBService replagent -n 30 -L 10000");
    if (served.exitCode() != 0) {
      p.add("the target does not start: " + served);
      return p;
    }
    if (o.fault == Fault.REPLICATION_LINK_CUT) {
      lab.hosts().linkDown(primary.host());
      Thread.sleep(3000);
      lab.hosts().linkUp(primary.host());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String src = lab.digest(secondary, secondary.db());
    String tgt = lab.digest(primary, primary.db());
    while (!src.equals(tgt) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      src = lab.digest(secondary, secondary.db());
      tgt = lab.digest(primary, primary.db());
    }
    if (!src.equals(tgt)) {
      p.add("digests differ: source " + src + ", target " + tgt);
    }
    // What was preserved is the real old primary (the run's last line names it).
    // In the output, or (a resume does not print again what an earlier attempt printed) in the
    // journal, where the resumed "Roles" result keeps its message.
    String said = o.output + (o.journal != null ? Files.readString(o.journal) : "");
    Matcher m = Pattern.compile("old primary database preserved in ([^\\s\"'}]+)").matcher(said);
    String preserved = null;
    while (m.find()) {
      preserved = m.group(1).replaceAll("[;,]$", "");
    }
    // Files keep their absolute path under the preserve directory; the control area's instance
    // (new at every restore) tells which copy of the database it is.
    if (!oldPrimary.isEmpty()) {
      if (preserved == null || preserved.startsWith("(")) {
        p.add("no preserved database named in: " + tail(o.output));
      } else {
        String kept = instance(lab, primary, preserved + primary.db());
        if (!kept.equals(oldPrimary)) {
          p.add("preserved " + preserved + " is not the old primary (instance " + kept + ")");
        }
        if (instance(lab, primary, primary.db()).equals(oldPrimary)) {
          p.add("the primary still is the old database");
        }
      }
    }
    for (SiteLab.Site s : List.of(primary, secondary)) {
      if (lab.files(s, s.dbDir()).stream().anyMatch(f -> f.contains(".baton-lock."))) {
        p.add(s.name() + ": a run lock is left");
      }
    }
    String root = lab.hosts().root().toString();
    List<String> utilities =
        ProcessHandle.allProcesses()
            .map(h -> h.info().commandLine().orElse(""))
            .filter(c -> c.contains(root) && c.matches(".* (prorest|probkup) .*"))
            .toList();
    if (!utilities.isEmpty()) {
      p.add("utility processes left: " + utilities);
    }
    return p;
  }

  /** The database's instance from its control area (the simulator's), or "" without one. */
  private static String instance(SiteLab lab, SiteLab.Site s, String db) {
    var r = lab.hosts().runOn(s.host(), "sed -n 's/^instance=//p' '" + db + ".db' 2>/dev/null");
    return r.stdout().strip();
  }

  /** Keys the writer saw committed that the target does not have; -1 when it cannot be told. */
  private static long missingKeys(SiteLab lab, SiteLab.Site primary, Path keys) throws IOException {
    if (!Files.exists(keys)) {
      return -1;
    }
    Path copy = primary.local(primary.dbDir()).resolve(keys.getFileName());
    Files.copy(keys, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    var r = lab.sh(primary, "oesim missing " + primary.db() + " --log " + copy.getFileName());
    Matcher m = Pattern.compile("checked=(\\d+) missing=(\\d+)").matcher(r.stdout());
    return m.find() && Long.parseLong(m.group(1)) > 0 ? Long.parseLong(m.group(2)) : -1;
  }

  private static String tail(String out) {
    List<String> lines = out.lines().filter(l -> !l.isBlank() && !l.contains(" ---")).toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 6), lines.size()));
  }

  private static void mount(SiteLab lab, SiteLab.Site s, String dir, String size) {
    var r =
        lab.hosts()
            .runOn(s.host(), "mount -t tmpfs -o size=" + size + " baton-chaos-full '" + dir + "'");
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  private static void unmount(SiteLab lab, SiteLab.Site s, String dir) {
    var r = lab.hosts().runOn(s.host(), "umount '" + dir + "'");
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }
}

package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.Baton;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton lab run playbooks/failback.yml} as an operator runs it, with production writing to
 * the secondary's database the whole time: the playbook must end with primary = source, secondary =
 * target, and every record the writer saw committed must be on the new source.
 */
class FailbackPlaybookTest {
  @TempDir Path work;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopEverything() throws InterruptedException {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void failbackUnderWritesEndsWithPrimarySourceAndLosesNoCommit() throws Exception {
    Path state = work.resolve("lab");
    Path book = Path.of("playbooks/failback.yml").toAbsolutePath();
    Process baton =
        Baton.start(
            work,
            Map.of("BATON_HOME", work.resolve("home").toString()),
            "lab",
            "run",
            "--state",
            state.toString(),
            "--size",
            "2M",
            book.toString());
    started.add(baton);
    Path secondary = state.resolve("hosts/secondary");
    Path primary = state.resolve("hosts/primary");
    Path keys = work.resolve("writer-keys.log");
    // The lab writes its inventory once the secondary serves its source: production starts.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(state.resolve("inventory.ini")) && baton.isAlive()) {
      assertThat(System.nanoTime()).as("lab did not come up").isLessThan(deadline);
      Thread.sleep(50);
    }
    Process writer =
        sim(
                secondary,
                "oesim",
                "writer",
                db(secondary).toString(),
                "--log",
                keys.toString(),
                "--rate",
                "50/s")
            .start();
    started.add(writer);

    Baton.Result r = Baton.await(baton, 280);
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.stdout()).contains("primary (" + db(primary) + ") = source");
    // The writer was refused once the secondary became a target.
    assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readAllLines(keys)).hasSizeGreaterThan(10);

    assertThat(run(primary, "proutil", "sports", "-C", "describe"))
        .containsPattern("OpenEdge Replication\\s+Yes\\s+Source");
    assertThat(run(secondary, "proutil", "sports", "-C", "describe"))
        .containsPattern("OpenEdge Replication\\s+Yes\\s+Target");
    assertThat(run(primary, "oesim", "missing", "sports", "--log", keys.toString()))
        .containsPattern("checked=\\d+ missing=0");
    assertThat(run(primary, "oesim", "digest", "sports"))
        .isEqualTo(run(secondary, "oesim", "digest", "sports"));
    // The target was started with the source's startup parameters (the lab's source runs with
    // -n 30 -L 10000; the simulator's defaults are 20 and 8192): 15771 on 11.7 to 12.1 otherwise.
    String lg = Files.readString(primary.resolve("db/sports.lg"));
    String lastStart = lg.substring(lg.lastIndexOf("(333)"));
    assertThat(lastStart)
        .contains("Current Size of Lock Table (-L): 10000.")
        .contains("Maximum Number of Users (-n): 30.");
  }

  /**
   * A site's own playbook wraps the failback with import_playbook: its plays run before and after,
   * the import's vars reach the failback's plays, and the roles end swapped as when run alone.
   */
  @Test
  void aSitePlaybookImportingTheFailbackRunsItBetweenItsOwnPlays() throws Exception {
    Path state = work.resolve("lab");
    Path wrapper = work.resolve("site-failback.yml");
    Files.writeString(
        wrapper,
        "- hosts: primary\n"
            + "  tasks:\n"
            + "    - name: Announce\n"
            + "      debug:\n"
            + "        msg: failback of {{ inventory_hostname }} starts\n"
            + "- import_playbook: "
            + Path.of("playbooks/failback.yml").toAbsolutePath()
            + "\n"
            + "  vars:\n"
            + "    restore_transition: enable\n"
            + "- hosts: primary\n"
            + "  tasks:\n"
            + "    - name: Afterwards\n"
            + "      command: echo after the failback\n"
            + "      register: after\n"
            + "    - debug:\n"
            + "        msg: \"{{ after.stdout }}\"\n");
    Baton.Result r =
        Baton.run(
            work,
            Map.of("BATON_HOME", work.resolve("home").toString()),
            "lab",
            "run",
            "--state",
            state.toString(),
            "--size",
            "1M",
            wrapper.toString());

    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.stdout())
        .contains("{\"msg\":\"failback of primary starts\"}")
        .contains("{\"msg\":\"after the failback\"}");
    assertThat(r.stdout().indexOf("failback of primary starts"))
        .isLessThan(r.stdout().indexOf("PLAY [Fail back"))
        .isLessThan(r.stdout().indexOf("after the failback"));
    // The import's vars reached the failback's plays: the restore took the enable route
    // (prorest, then proutil -C enableSiteReplication target; not prorest -REPLTransition).
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("journal (\\S+)").matcher(r.stdout());
    assertThat(m.find()).as(r.all()).isTrue();
    String journal = Files.readString(Path.of(m.group(1)));
    assertThat(journal).contains("\"transition\":\"enable\"").contains("\"enable_rc\":0");
    Path primary = state.resolve("hosts/primary");
    Path secondary = state.resolve("hosts/secondary");
    assertThat(run(primary, "proutil", "sports", "-C", "describe"))
        .containsPattern("OpenEdge Replication\\s+Yes\\s+Source");
    assertThat(run(secondary, "proutil", "sports", "-C", "describe"))
        .containsPattern("OpenEdge Replication\\s+Yes\\s+Target");
  }

  private static Path db(Path host) {
    return host.resolve("db/sports");
  }

  private static ProcessBuilder sim(Path host, String utility, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(host.resolve("dlc/bin").resolve(utility).toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(host.resolve("db").toFile());
    pb.environment().put("BATON_SIM_JAVA", ProcessHandle.current().info().command().orElse("java"));
    pb.redirectErrorStream(true);
    pb.redirectOutput(host.resolve(utility + ".out").toFile());
    return pb;
  }

  private String run(Path host, String utility, String... args) throws Exception {
    ProcessBuilder pb = sim(host, utility, args);
    pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    started.add(p);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(utility + " " + String.join(" ", args) + ": " + out).isZero();
    return out.strip();
  }
}

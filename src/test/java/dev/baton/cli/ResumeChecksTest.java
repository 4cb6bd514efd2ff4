package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.Baton;
import dev.baton.testing.TestHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton resume} and checks (assert, facts): a check is asked again on resume, unless the
 * earlier run went on to do work after it, in which case it guarded that work and is not asked
 * again (it would judge what the run itself changed). The gate below is an extra var, which resume
 * can override: the "world" the check looks at.
 */
class ResumeChecksTest {
  @RegisterExtension final TestHosts hosts = TestHosts.withHosts(1);
  @TempDir Path work;
  Map<String, String> env;
  Path inventory;
  Path playbook;

  @BeforeEach
  void setUp() throws IOException {
    env = Map.of("BATON_HOME", work.resolve("home").toString());
    inventory = work.resolve("hosts.ini");
    Files.writeString(
        inventory,
        "h1 ansible_host="
            + hosts.address(0)
            + " ansible_port="
            + hosts.port(0)
            + " home="
            + hosts.home(0)
            + "\n[all:vars]\nansible_user="
            + hosts.user()
            + "\nansible_ssh_private_key_file="
            + hosts.clientKey()
            + "\nbaton_known_hosts_file="
            + hosts.knownHosts()
            + "\n");
    playbook = work.resolve("gated.yml");
    Files.writeString(
        playbook,
        """
        - hosts: all
          gather_facts: false
          tasks:
            - name: the gate is open
              assert:
                that: gate == 'open'
            - name: work
              command: test -f {{ home }}/allowed
            - name: more work
              command: touch {{ home }}/worked
            - name: finish
              command: test -f {{ home }}/go
        """);
  }

  private Baton.Result run(String... args) throws IOException {
    return Baton.run(work, env, args);
  }

  private static String runId(Baton.Result r) {
    return journal(r).getParent().getFileName().toString();
  }

  private static Path journal(Baton.Result r) {
    Matcher m = Pattern.compile("journal (\\S+)").matcher(r.stdout());
    assertThat(m.find()).as(r.all()).isTrue();
    return Path.of(m.group(1));
  }

  private Path home(String file) {
    return hosts.home(0).resolve(file);
  }

  @Test
  void checkFollowedByWorkIsNotAskedAgainOnResume() throws IOException {
    Files.writeString(home("allowed"), "");
    Baton.Result first =
        run("play", "-i", inventory.toString(), "-e", "gate=open", playbook.toString());
    assertThat(first.exitCode()).as(first.all()).isEqualTo(2);
    assertThat(home("worked")).exists();

    // The gate now looks shut, but it guarded work already done: resuming must not refuse.
    Files.writeString(home("go"), "");
    Baton.Result second = run("resume", runId(first), "-e", "gate=shut");

    assertThat(second.exitCode()).as(second.all()).isZero();
    assertThat(second.stdout())
        .contains("ok: [h1] (done in run " + runId(first) + ")")
        .containsPattern("h1 +: ok=4 +changed=1 +unreachable=0 +failed=0");
    assertThat(Files.readString(journal(second)))
        .contains("before the work that followed it; not asked again");

    // And a resume of that resume still knows the gate guarded work (two runs back).
    Baton.Result third = run("resume", runId(second), "-e", "gate=shut");
    assertThat(third.exitCode()).as(third.all()).isZero();
    assertThat(Files.readString(journal(third))).contains("not asked again");
  }

  @Test
  void checkThatRefusedIsAskedAgainOnResume() throws IOException {
    Files.writeString(home("allowed"), "");
    Files.writeString(home("go"), "");
    Baton.Result first =
        run("play", "-i", inventory.toString(), "-e", "gate=shut", playbook.toString());
    assertThat(first.exitCode()).as(first.all()).isEqualTo(2);
    assertThat(home("worked")).doesNotExist();

    Baton.Result second = run("resume", runId(first), "-e", "gate=open");

    assertThat(second.exitCode()).as(second.all()).isZero();
    assertThat(home("worked")).exists();
  }

  @Test
  void checkThatPassedButGuardedNoWorkYetIsAskedAgainOnResume() throws IOException {
    // The first "work" step fails: the check passed, but nothing was changed after it.
    Baton.Result first =
        run("play", "-i", inventory.toString(), "-e", "gate=open", playbook.toString());
    assertThat(first.exitCode()).as(first.all()).isEqualTo(2);

    Files.writeString(home("allowed"), "");
    Baton.Result second = run("resume", runId(first), "-e", "gate=shut");

    assertThat(second.exitCode()).as(second.all()).isEqualTo(2);
    assertThat(second.stdout()).contains("Assertion failed");
    assertThat(home("worked")).doesNotExist();
  }
}

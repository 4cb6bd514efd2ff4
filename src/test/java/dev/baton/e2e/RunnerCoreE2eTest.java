package dev.baton.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.Baton;
import dev.baton.testing.OpenSshHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runner core on real OpenSSH servers (issue 2): plays over several hosts, host keys, a host
 * that drops off the network, a command whose sshd dies under it. Each test leaves the hosts as it
 * found them (links up, sshd running, the right known_hosts).
 */
class RunnerCoreE2eTest {
  static OpenSshHosts lab;
  static Path work;

  @BeforeAll
  static void start() throws IOException {
    lab = OpenSshHosts.start(3);
    work = Files.createDirectories(lab.root().resolve("controller"));
  }

  @AfterAll
  static void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  private static Path inventory(Path knownHosts) throws IOException {
    StringBuilder b = new StringBuilder("[web]\n");
    for (OpenSshHosts.Host h : lab.hosts()) {
      if (h.name().equals("h3")) {
        b.append("[db]\n");
      }
      b.append(h.name())
          .append(" ansible_host=")
          .append(h.address())
          .append(" ansible_port=")
          .append(h.port())
          .append('\n');
    }
    b.append("\n[all:vars]\nansible_user=root\nansible_ssh_private_key_file=")
        .append(lab.clientKey())
        .append("\nbaton_known_hosts_file=")
        .append(knownHosts)
        // A lost host is noticed within seconds, a down one given up on after a few.
        .append("\nbaton_ssh_keepalive=1\nansible_timeout=3\n");
    Path inv = work.resolve("hosts.ini");
    Files.writeString(inv, b.toString());
    return inv;
  }

  private static Path playbook(String name, String yaml) throws IOException {
    Path p = work.resolve(name);
    Files.writeString(p, yaml);
    return p;
  }

  private static Map<String, String> env() {
    return Map.of("BATON_HOME", work.resolve("baton-home").toString());
  }

  private static Path home(int n) {
    return lab.host(n).homeDir();
  }

  @Test
  void multiPlayPlaybookRunsOnEveryHostOverOpenSsh() throws IOException {
    Path book =
        playbook(
            "multi.yml",
            """
            - name: everyone
              hosts: all
              tasks:
                - name: marker
                  shell: echo "{{ inventory_hostname }} on $(hostname) in {{ group_names | join(',') }}" > multi.txt
                - name: read it back
                  command: cat multi.txt
                  register: marker
                - assert:
                    that: inventory_hostname in marker.stdout
            - name: only the web servers
              hosts: web
              tasks:
                - name: web marker
                  copy:
                    content: "web {{ inventory_hostname }}\\n"
                    dest: /root/web.txt
                - name: same again changes nothing
                  copy:
                    content: "web {{ inventory_hostname }}\\n"
                    dest: /root/web.txt
            """);
    Baton.Result r =
        Baton.run(
            work, env(), "play", "-i", inventory(lab.knownHosts()).toString(), book.toString());

    assertThat(r.exitCode()).as(r.all()).isZero();
    // Each host wrote into its own file system, under its own hostname.
    assertThat(home(1).resolve("multi.txt")).hasContent("h1 on h1 in web");
    assertThat(home(3).resolve("multi.txt")).hasContent("h3 on h3 in db");
    assertThat(home(2).resolve("web.txt")).hasContent("web h2");
    assertThat(home(3).resolve("web.txt")).doesNotExist();
    assertThat(r.stdout()).containsPattern("h1 +: ok=5 +changed=3 +unreachable=0 +failed=0");
    assertThat(r.stdout()).containsPattern("h3 +: ok=3 +changed=2 +unreachable=0 +failed=0");
    assertThat(Files.readString(SiteLab.journalOf(r))).contains("\"exit_code\":0");
  }

  /**
   * A direct transfer over four streams between two OpenSSH hosts: each range is a `dd | ssh dd`
   * run on h1 with h1's own ssh client, written at its offset on h2; the file arrives whole.
   */
  @Test
  void directTransferWithFourStreamsMovesRangesHostToHost() throws Exception {
    lab.letHostsSshToEachOther();
    byte[] content = new byte[(8 << 20) + 12345];
    new java.util.Random(21).nextBytes(content);
    Files.write(home(1).resolve("big.bin"), content);
    Path book =
        playbook(
            "direct.yml",
            """
            - hosts: h2
              tasks:
                - name: bring it
                  transfer:
                    src_host: h1
                    src: /root/big.bin
                    dest: /root/big.copy
                    method: direct
                    streams: 4
                    range_mib: 1
            """);
    Baton.Result r =
        Baton.run(
            work, env(), "play", "-i", inventory(lab.knownHosts()).toString(), book.toString());

    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(home(2).resolve("big.copy")).hasBinaryContent(content);
    assertThat(home(2).resolve("big.copy.part.ranges")).doesNotExist();
    String journal = Files.readString(SiteLab.journalOf(r));
    assertThat(journal).contains("\"streams\":4").contains("over 4 streams");
  }

  @Test
  void wrongHostKeyIsRefusedAndNothingRunsThere() throws IOException {
    // h1's address with h2's key: what a man in the middle would present.
    String h1 = lab.host(1).address();
    String forged =
        Files.readString(lab.knownHosts())
            .lines()
            .map(l -> l.startsWith(h1 + " ") ? h1 + " " + lab.hostKey(lab.host(2)) : l)
            .reduce("", (a, l) -> a + l + "\n");
    Path known = work.resolve("forged_known_hosts");
    Files.writeString(known, forged);
    Path book =
        playbook(
            "key.yml",
            """
            - hosts: all
              tasks:
                - name: marker
                  shell: echo done > key.txt
            """);
    Baton.Result r =
        Baton.run(work, env(), "play", "-i", inventory(known).toString(), book.toString());

    assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
    assertThat(r.stdout()).contains("fatal: [h1]: UNREACHABLE!").containsIgnoringCase("host key");
    assertThat(home(1).resolve("key.txt")).doesNotExist();
    assertThat(home(2).resolve("key.txt")).hasContent("done");
    assertThat(home(3).resolve("key.txt")).hasContent("done");
  }

  @Test
  void hostWhoseLinkIsDownIsUnreachableWhileTheOthersFinish() throws IOException {
    lab.assumeIsolated();
    Path book =
        playbook(
            "down.yml",
            """
            - hosts: all
              tasks:
                - name: first
                  shell: echo one > down.txt
                - name: second
                  shell: echo two >> down.txt
            """);
    lab.linkDown(lab.host(2));
    Baton.Result r;
    try {
      r =
          Baton.run(
              work, env(), "play", "-i", inventory(lab.knownHosts()).toString(), book.toString());
    } finally {
      lab.linkUp(lab.host(2));
    }

    assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
    assertThat(r.stdout()).contains("fatal: [h2]: UNREACHABLE!");
    assertThat(r.stdout()).containsPattern("h2 +: ok=0 +changed=0 +unreachable=1 +failed=0");
    assertThat(home(1).resolve("down.txt")).hasContent("one\ntwo");
    assertThat(home(3).resolve("down.txt")).hasContent("one\ntwo");
    assertThat(home(2).resolve("down.txt")).doesNotExist();
  }

  @Test
  void commandWhoseSshdIsKilledIsConnectionLostNeverSuccess() throws Exception {
    Path book =
        playbook(
            "killed.yml",
            """
            - hosts: h1
              tasks:
                - name: long
                  shell: touch started && sleep 30 && touch finished
                - name: after
                  shell: touch after
            """);
    Process p =
        Baton.start(
            work, env(), "play", "-i", inventory(lab.knownHosts()).toString(), book.toString());
    Baton.Result r;
    try {
      Path started = home(1).resolve("started");
      for (int i = 0; i < 600 && !Files.exists(started); i++) {
        Thread.sleep(100);
      }
      assertThat(started).exists();
      lab.killSshd(lab.host(1));
      r = Baton.await(p, 120);
    } finally {
      p.destroyForcibly();
      lab.startSshd(lab.host(1));
    }

    assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
    assertThat(r.stdout())
        .contains("fatal: [h1]: UNREACHABLE!")
        .containsIgnoringCase("connection lost");
    assertThat(r.stdout()).doesNotContain("ok: [h1]").doesNotContain("changed: [h1]");
    assertThat(home(1).resolve("finished")).doesNotExist();
    assertThat(home(1).resolve("after")).doesNotExist();
  }
}

package dev.baton.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ssh.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenSshHostsTest {
  private OpenSshHosts lab;

  @BeforeAll
  void startThreeHosts() {
    lab = OpenSshHosts.start(3);
  }

  @AfterAll
  void stopHosts() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void everyHostAcceptsTheClientKeyUnderStrictHostKeyChecking() {
    assertThat(lab.hosts()).hasSize(3);
    for (OpenSshHosts.Host host : lab.hosts()) {
      // Without the generated ssh_config: only the exposed key, known_hosts, address and port.
      ExecResult result =
          Command.run(
              Duration.ofSeconds(60),
              List.of(
                  "ssh",
                  "-n",
                  "-F",
                  "/dev/null",
                  "-o",
                  "BatchMode=yes",
                  "-o",
                  "StrictHostKeyChecking=yes",
                  "-o",
                  "UserKnownHostsFile=" + lab.knownHosts(),
                  "-o",
                  "GlobalKnownHostsFile=/dev/null",
                  "-o",
                  "IdentitiesOnly=yes",
                  "-i",
                  lab.clientKey().toString(),
                  "-p",
                  Integer.toString(host.port()),
                  "root@" + host.address(),
                  "echo hello from $BATON_HOST; id -u"));
      assertThat(result.exitCode()).as(host + ": " + result.stderr()).isZero();
      assertThat(result.stdout().lines()).containsExactly("hello from " + host.name(), "0");
    }
  }

  @Test
  void anUnknownHostKeyIsRefused(@TempDir Path empty) throws IOException {
    OpenSshHosts.Host h1 = lab.host(1);
    Path noKeys = Files.createFile(empty.resolve("known_hosts"));
    ExecResult result =
        Command.run(
            Duration.ofSeconds(60),
            append(lab.sshCommand(h1, "-o", "UserKnownHostsFile=" + noKeys), "true"));
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("Host key verification failed");
  }

  @Test
  void hostsHaveTheirOwnHostnames() {
    lab.assumeIsolated();
    List<String> names = new ArrayList<>();
    for (OpenSshHosts.Host host : lab.hosts()) {
      ExecResult result = lab.runOn(host, "hostname");
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      names.add(result.stdout().strip());
    }
    assertThat(names).containsExactly("h1", "h2", "h3");
  }

  @Test
  void theDataPathIsADifferentFileSystemOnEachHost() {
    OpenSshHosts.Host h1 = lab.host(1);
    OpenSshHosts.Host h2 = lab.host(2);
    String file = h1.dataPath() + "/only-on-h1";
    ExecResult write = lab.runOn(h1, "echo written-by-$BATON_HOST > " + file);
    assertThat(write.exitCode()).as(write.stderr()).isZero();

    assertThat(lab.runOn(h1, "cat " + file).stdout()).isEqualTo("written-by-h1\n");
    ExecResult onH2 = lab.runOn(h2, "test -e " + h2.dataPath() + "/only-on-h1");
    assertThat(onH2.exitCode()).as("the file must not exist on h2").isEqualTo(1);
    assertThat(h1.dataDir().resolve("only-on-h1")).hasContent("written-by-h1");
    assertThat(h2.dataDir().resolve("only-on-h1")).doesNotExist();
    if (lab.isolated()) {
      assertThat(h1.dataPath()).isEqualTo(h2.dataPath());
    }
  }

  @Test
  void sessionsGetACleanRootHomeAtRootsUsualPath() throws IOException {
    lab.assumeIsolated();
    String marker = "marker-" + lab.prefix();
    ExecResult result = lab.runOn(lab.host(1), "cd && pwd && touch " + marker + " && cat .bashrc");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout().lines().findFirst()).contains(System.getProperty("user.home"));
    // The stock .bashrc, not this machine's (which may run pyenv init for every command).
    Path stock = Path.of("/usr/share/base-files/dot.bashrc");
    if (Files.exists(stock)) {
      assertThat(result.stdout()).endsWith(Files.readString(stock));
    }
    assertThat(Path.of(System.getProperty("user.home"), marker)).doesNotExist();
    assertThat(lab.root().resolve("h1/home").resolve(marker)).exists();
  }

  @Test
  void linkDownCutsTheHostOffAndLinkUpBringsItBack() {
    lab.assumeIsolated();
    OpenSshHosts.Host h1 = lab.host(1);
    try {
      lab.linkDown(h1);
      ExecResult cut =
          Command.run(
              Duration.ofSeconds(60), append(lab.sshCommand(h1, "-o", "ConnectTimeout=2"), "true"));
      assertThat(cut.exitCode()).isEqualTo(255);
      assertThat(lab.runOn(lab.host(2), "true").exitCode()).isZero();
    } finally {
      lab.linkUp(h1);
    }
    ExecResult back = lab.runOn(h1, "echo back");
    assertThat(back.exitCode()).as(back.stderr()).isZero();
    assertThat(back.stdout()).isEqualTo("back\n");
  }

  @Test
  void hostsReachEachOtherOverTheBridge() {
    lab.assumeIsolated();
    OpenSshHosts.Host h2 = lab.host(2);
    // bash's /dev/tcp: read h2's sshd banner from inside h1.
    ExecResult banner =
        lab.runOn(
            lab.host(1),
            "timeout 10 bash -c 'exec 3<>/dev/tcp/" + h2.address() + "/22; head -c 8 <&3'");
    assertThat(banner.exitCode()).as(banner.stderr()).isZero();
    assertThat(banner.stdout()).isEqualTo("SSH-2.0-");
  }

  @Test
  void hostsSshToEachOtherOnlyWhenAsked() {
    OpenSshHosts.Host h1 = lab.host(1);
    OpenSshHosts.Host h2 = lab.host(2);
    ExecResult before =
        lab.runOn(
            h1,
            "ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -p "
                + h2.port()
                + " root@"
                + h2.address()
                + " true");
    assertThat(before.exitCode()).as("hosts must not trust each other by default").isEqualTo(255);
    assertThat(before.stderr()).contains("Permission denied");
    lab.letHostsSshToEachOther();
    ExecResult after = lab.runOn(h1, "ssh h2 'echo $BATON_HOST'");
    assertThat(after.exitCode()).as(after.stderr()).isZero();
    assertThat(after.stdout()).isEqualTo("h2\n");
  }

  @Test
  void aDelayRelayInFrontOfAHostIsTrustedThroughTrustAlias() {
    OpenSshHosts.Host h1 = lab.host(1);
    try (DelayRelay relay =
        DelayRelay.start(
            new java.net.InetSocketAddress(h1.address(), h1.port()), Duration.ofMillis(10))) {
      List<String> viaRelay =
          lab.sshCommand(h1, "-o", "HostName=127.0.0.1", "-o", "Port=" + relay.port());
      ExecResult unknown = Command.run(Duration.ofSeconds(60), append(viaRelay, "true"));
      assertThat(unknown.stderr()).contains("Host key verification failed");

      lab.trustAlias(h1, "127.0.0.1", relay.port());
      ExecResult known = Command.run(Duration.ofSeconds(60), append(viaRelay, "echo $BATON_HOST"));
      assertThat(known.exitCode()).as(known.stderr()).isZero();
      assertThat(known.stdout()).isEqualTo("h1\n");
    }
  }

  @Test
  void killedSshdRefusesConnectionsUntilStartedAgain() {
    OpenSshHosts.Host h3 = lab.host(3);
    lab.killSshd(h3);
    ExecResult refused = lab.runOn(h3, "true");
    assertThat(refused.exitCode()).isEqualTo(255);
    assertThat(refused.stderr()).contains("Connection refused");
    lab.startSshd(h3);
    assertThat(lab.runOn(h3, "echo up").stdout()).isEqualTo("up\n");
  }

  @Test
  void inventoryWorksWithAnsible() {
    Requirements.check(
        Files.isExecutable(Path.of("/usr/bin/ansible")), "ansible-core", "no /usr/bin/ansible");
    ExecResult result =
        Command.run(
            Duration.ofSeconds(180),
            List.of(
                "env",
                "ANSIBLE_HOST_KEY_CHECKING=True",
                "ANSIBLE_NOCOLOR=1",
                "/usr/bin/ansible",
                "-i",
                lab.inventory().toString(),
                "openssh",
                "-o",
                "-m",
                "command",
                "-a",
                "printenv BATON_HOST"));
    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    for (OpenSshHosts.Host host : lab.hosts()) {
      assertThat(result.stdout())
          .contains(host.name() + " | CHANGED | rc=0 | (stdout) " + host.name());
    }
  }

  @Test
  void closeLeavesNoNamespaceLinkProcessOrFileBehind() throws IOException {
    String prefix;
    Path root;
    long sshd;
    long detached;
    try (OpenSshHosts two = OpenSshHosts.start(2)) {
      prefix = two.prefix();
      root = two.root();
      // A session process that escapes its sshd parent, as daemons started over ssh do.
      ExecResult started =
          two.runOn(two.host(1), "setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $!");
      assertThat(started.exitCode()).as(started.stderr()).isZero();
      detached = Long.parseLong(started.stdout().strip());
      sshd = Long.parseLong(Files.readString(root.resolve("h1/sshd.pid")).strip());
      assertThat(ProcessHandle.of(detached)).isPresent();
      assertThat(ProcessHandle.of(sshd)).isPresent();
      if (two.isolated()) {
        assertThat(Command.check("ip", "netns", "list")).contains(prefix);
      } else {
        // Without namespaces nothing marks a process that left sshd's tree as the lab's.
        ProcessHandle.of(detached).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    assertThat(Command.check("ip", "netns", "list")).doesNotContain(prefix);
    assertThat(Command.check("ip", "-o", "link", "show")).doesNotContain(prefix);
    assertThat(running(detached)).as("detached session process " + detached).isFalse();
    assertThat(running(sshd)).as("sshd " + sshd).isFalse();
    assertThat(processesMentioning(root.toString())).isEmpty();
    assertThat(root).doesNotExist();
  }

  @Test
  void aLabWhoseJvmWasKilledIsRemovedByTheNextLab() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                AbandonedLab.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String prefix;
    Path root;
    long sshd;
    try (var lines =
        new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
      String line = lines.readLine();
      assertThat(line).as("child lab did not report").isNotNull();
      String[] fields = line.split(" ");
      prefix = fields[0];
      root = Path.of(fields[1]);
      sshd = Long.parseLong(Files.readString(root.resolve("h1/sshd.pid")).strip());
      assertThat(running(sshd)).isTrue();
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook runs
      child.waitFor();
    }
    assertThat(Command.check("ip", "netns", "list")).contains(prefix);

    try (OpenSshHosts next = OpenSshHosts.start(1)) {
      assertThat(next.prefix()).isNotEqualTo(prefix);
      assertThat(Command.check("ip", "netns", "list")).doesNotContain(prefix);
      assertThat(Command.check("ip", "-o", "link", "show")).doesNotContain(prefix);
      assertThat(running(sshd)).as("abandoned sshd " + sshd).isFalse();
      assertThat(root).doesNotExist();
    }
  }

  /** A JVM that starts one host, says where, and waits to be killed. */
  static final class AbandonedLab {
    public static void main(String[] args) throws InterruptedException {
      OpenSshHosts lab = OpenSshHosts.start(1);
      System.out.println(lab.prefix() + " " + lab.root());
      System.out.flush();
      Thread.sleep(120_000);
    }
  }

  /** Alive and not a zombie (an exited process waiting for init to reap it is not running). */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException gone) {
      return false;
    }
  }

  private static List<String> processesMentioning(String text) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
      for (Path dir : proc.toList()) {
        if (!dir.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline =
              new String(Files.readAllBytes(dir.resolve("cmdline"))).replace('\0', ' ');
          if (cmdline.contains(text)) {
            found.add(dir.getFileName() + ": " + cmdline);
          }
        } catch (IOException gone) {
          // The process ended while we looked.
        }
      }
    }
    return found;
  }

  private static List<String> append(List<String> argv, String last) {
    List<String> all = new ArrayList<>(argv);
    all.add(last);
    return all;
  }
}

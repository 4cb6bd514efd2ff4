package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.Baton;
import dev.baton.testing.Needs;
import dev.baton.testing.TestHosts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton play} end to end: baton runs as its own process against in-process SSH servers (real
 * TCP, real SSH, real shell commands in per-host homes), and the tests check what an operator
 * would: files on the hosts, exit codes, the recap, the journal.
 */
class PlayTest {
  @RegisterExtension final TestHosts hosts = TestHosts.withHosts(3);
  @TempDir Path work;
  Map<String, String> env;

  @BeforeEach
  void setUp() {
    env = Map.of("BATON_HOME", work.resolve("home").toString());
  }

  private Path inventory(String extra) throws IOException {
    StringBuilder b = new StringBuilder("[web]\n");
    for (int i = 0; i < 2; i++) {
      b.append(line("h" + (i + 1), i)).append('\n');
    }
    b.append("[db]\n").append(line("h3", 2)).append('\n');
    b.append(extra);
    b.append("\n[all:vars]\nansible_user=").append(hosts.user());
    b.append("\nansible_ssh_private_key_file=").append(hosts.clientKey());
    b.append("\nbaton_known_hosts_file=").append(hosts.knownHosts()).append('\n');
    Path inv = work.resolve("hosts.ini");
    Files.writeString(inv, b.toString());
    return inv;
  }

  private String line(String name, int i) {
    return name
        + " ansible_host="
        + hosts.address(i)
        + " ansible_port="
        + hosts.port(i)
        + " home="
        + hosts.home(i);
  }

  private Path playbook(String yaml) throws IOException {
    Path p = work.resolve("site.yml");
    Files.writeString(p, yaml);
    return p;
  }

  private Baton.Result play(Path inv, Path book, String... more) throws IOException {
    String[] args = new String[4 + more.length];
    args[0] = "play";
    args[1] = "-i";
    args[2] = inv.toString();
    args[3] = book.toString();
    System.arraycopy(more, 0, args, 4, more.length);
    return Baton.run(work, env, args);
  }

  @Test
  void multiPlayPlaybookRunsOverSeveralHostsInOrder() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - name: write a marker everywhere
              hosts: all
              tasks:
                - name: marker
                  shell: echo "{{ inventory_hostname }} in {{ group_names | join(',') }}" > marker.txt
                - name: read it back
                  command: cat marker.txt
                  register: marker
                - name: it says who we are
                  assert:
                    that: inventory_hostname in marker.stdout
                - name: hostvars names every host, with its variables
                  assert:
                    that:
                      - "'h3' in hostvars and 'nosuch' not in hostvars"
                      - hostvars | length == 3
                      - hostvars[inventory_hostname].home == home
            - name: only the web servers
              hosts: web
              tasks:
                - name: second marker
                  copy:
                    content: "web {{ inventory_hostname }}\\n"
                    dest: "{{ home }}/web.txt"
                - name: again, nothing to change
                  copy:
                    content: "web {{ inventory_hostname }}\\n"
                    dest: "{{ home }}/web.txt"
            """);
    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(Files.readString(hosts.home(0).resolve("marker.txt"))).isEqualTo("h1 in web\n");
    assertThat(Files.readString(hosts.home(2).resolve("marker.txt"))).isEqualTo("h3 in db\n");
    assertThat(Files.readString(hosts.home(1).resolve("web.txt"))).isEqualTo("web h2\n");
    assertThat(hosts.home(2).resolve("web.txt")).doesNotExist();
    assertThat(r.stdout())
        .contains("PLAY [write a marker everywhere]", "TASK [marker]", "PLAY RECAP");
    assertThat(r.stdout()).containsPattern("h1 +: ok=6 +changed=3 +unreachable=0 +failed=0");
    assertThat(r.stdout()).containsPattern("h3 +: ok=4 +changed=2 +unreachable=0 +failed=0");
    String journal = Files.readString(journalOf(r));
    assertThat(journal).contains("\"event\":\"run_finished\"", "\"exit_code\":0");
  }

  private static Path journalOf(Baton.Result r) {
    var m = java.util.regex.Pattern.compile("journal (\\S+)").matcher(r.stdout());
    assertThat(m.find()).as(r.stdout()).isTrue();
    return Path.of(m.group(1));
  }

  @Test
  void unreachableHostIsReportedWhileTheOthersFinish() throws IOException {
    int closed;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    Path inv =
        inventory(
            "[web]\nghost ansible_host=127.0.0.1 ansible_port=" + closed + " home=/nonexistent\n");
    Path book =
        playbook(
            """
            - hosts: all
              tasks:
                - name: marker
                  shell: echo done > marker.txt
            """);
    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
    assertThat(r.stdout()).contains("fatal: [ghost]: UNREACHABLE!");
    assertThat(r.stdout()).containsPattern("ghost +: ok=0 +changed=0 +unreachable=1");
    for (int i = 0; i < 3; i++) {
      assertThat(hosts.home(i).resolve("marker.txt")).hasContent("done");
    }
  }

  @Test
  void wrongHostKeyIsRefusedAndNothingRunsThere() throws IOException {
    Path inv = inventory("");
    // Give h1's address the key of h2: exactly what a man in the middle would present.
    String kh = Files.readString(hosts.knownHosts());
    String h1 = "[" + hosts.address(0) + "]:" + hosts.port(0);
    String h2 = "[" + hosts.address(1) + "]:" + hosts.port(1);
    StringBuilder forged = new StringBuilder();
    for (String l : kh.split("\n")) {
      if (l.startsWith(h2 + " ")) {
        forged.append(l).append('\n').append(h1).append(l.substring(h2.length())).append('\n');
      } else if (!l.startsWith(h1 + " ")) {
        forged.append(l).append('\n');
      }
    }
    Files.writeString(hosts.knownHosts(), forged.toString());
    Path book =
        playbook(
            """
            - hosts: all
              tasks:
                - name: marker
                  shell: echo done > marker.txt
            """);
    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
    assertThat(r.stdout()).contains("fatal: [h1]: UNREACHABLE!").containsIgnoringCase("host key");
    assertThat(hosts.home(0).resolve("marker.txt")).doesNotExist();
    assertThat(hosts.home(1).resolve("marker.txt")).hasContent("done");
  }

  @Test
  void shellSessionCanBeTurnedOffAndAWrongValueIsRefused() throws IOException {
    Path book =
        playbook(
            """
            - hosts: h1
              gather_facts: false
              tasks:
                - name: one
                  shell: echo "$(cd / && pwd)" > where
            """);
    Baton.Result off = play(inventory("[all:vars]\nbaton_shell_session=false\n"), book);
    assertThat(off.exitCode()).as(off.all()).isZero();
    assertThat(hosts.home(0).resolve("where")).hasContent("/\n");

    Baton.Result wrong = play(inventory("[all:vars]\nbaton_shell_session=maybe\n"), book);
    assertThat(wrong.exitCode()).as(wrong.all()).isEqualTo(4);
    assertThat(wrong.stderr()).contains("baton_shell_session must be true or false, not maybe");
  }

  @Test
  void commandKilledMidRunIsConnectionLostNotSuccess() throws Exception {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - name: long
                  shell: touch started && sleep 30 && touch finished
            """);
    Process p = Baton.start(work, env, "play", "-i", inv.toString(), book.toString());
    Path started = hosts.home(0).resolve("started");
    for (int i = 0; i < 300 && !Files.exists(started); i++) {
      Thread.sleep(100);
    }
    assertThat(started).exists();
    hosts.host(0).dropConnections();
    Baton.Result r = Baton.await(p, 60);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
    assertThat(r.stdout())
        .contains("fatal: [h1]: UNREACHABLE!")
        .containsIgnoringCase("connection lost");
    assertThat(hosts.home(0).resolve("finished")).doesNotExist();
  }

  @Test
  void noLogValuesAppearNeitherOnTheConsoleNorInTheJournal() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - name: use the secret
                  shell: echo "token={{ db_password }}" > secret.txt; echo "{{ db_password }}"
                  no_log: true
                - name: a failure that would print it
                  shell: echo "{{ db_password }}" >&2; exit 3
                  no_log: true
                  ignore_errors: true
            """);
    Baton.Result r =
        play(
            inv,
            book,
            "-e",
            "db_password=Sup3rS3cretValue",
            "--junit",
            work.resolve("junit.xml").toString());

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(hosts.home(0).resolve("secret.txt")).hasContent("token=Sup3rS3cretValue");
    assertThat(r.all()).doesNotContain("Sup3rS3cretValue").contains("no_log");
    assertThat(Files.readString(journalOf(r))).doesNotContain("Sup3rS3cretValue");
    assertThat(Files.readString(work.resolve("junit.xml"), StandardCharsets.UTF_8))
        .doesNotContain("Sup3rS3cretValue")
        .contains("<testcase");
  }

  @Test
  void checkModeChangesNothing() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: web
              tasks:
                - name: would write
                  copy:
                    content: "x"
                    dest: "{{ home }}/checked.txt"
            """);
    Baton.Result r = play(inv, book, "--check");

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(r.stdout()).contains("changed: [h1]");
    assertThat(hosts.home(0).resolve("checked.txt")).doesNotExist();
  }

  @Test
  void limitTagsAndSerialSelectHostsAndTasks() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: all
              serial: 1
              tasks:
                - name: tagged
                  shell: echo {{ inventory_hostname }} >> ../order.txt
                  tags: [mark]
                - name: untagged
                  shell: touch untagged
            """);
    Files.deleteIfExists(hosts.home(0).getParent().resolve("order.txt"));
    Baton.Result r = play(inv, book, "--limit", "web:!h2", "--tags", "mark");

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(r.stdout()).contains("ok=1").doesNotContain("[h2]").doesNotContain("[h3]");
    assertThat(hosts.home(0).resolve("untagged")).doesNotExist();
  }

  /**
   * Site by site, as a failback rollout runs: with {@code serial: 1} the first host that fails ends
   * the rollout, as in ansible-playbook (a batch in which every host failed ends the play and the
   * playbook): the later hosts, and the later play, never run.
   */
  @Test
  void aSerialRolloutStopsAtTheFirstBatchThatFailsEntirely() throws IOException {
    Path inv = inventory("");
    Files.writeString(hosts.home(1).resolve("broken"), "");
    Path book =
        playbook(
            """
            - hosts: all
              serial: 1
              tasks:
                - name: a site that is broken fails
                  command: test ! -e broken
                - name: done
                  command: touch done
            - hosts: all
              tasks:
                - name: second play
                  command: touch second
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(hosts.home(0).resolve("done")).exists();
    assertThat(hosts.home(1).resolve("done")).doesNotExist();
    assertThat(hosts.home(2).resolve("done")).as("the batch after the failed one").doesNotExist();
    for (int i = 0; i < 3; i++) {
      assertThat(hosts.home(i).resolve("second")).as("the later play").doesNotExist();
    }
    assertThat(r.all()).contains("every host of its batch [h2] failed; nothing more runs");
    assertThat(r.stdout()).doesNotContain("[h3]");
  }

  /**
   * The recap counts as ansible-playbook 2.14 counts the same playbook (run with a local
   * connection: {@code ok=4 changed=2 ... ignored=2}): a command whose non-zero exit is let pass,
   * by {@code failed_when} or {@code ignore_errors}, changed the host; an ignored failure is also
   * ok.
   */
  @Test
  void failuresLetPassAreCountedAsAnsibleCountsThem() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - name: rc 1 allowed by failed_when
                  command: "false"
                  failed_when: false
                  register: r1
                - name: rc 1 ignored
                  command: "false"
                  ignore_errors: true
                  register: r2
                - name: show
                  debug:
                    msg: "{{ r1.changed }} {{ r1.failed }} {{ r2.changed }} {{ r2.failed }}"
                - name: a failure that changed nothing, ignored
                  fail: msg=x
                  ignore_errors: true
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(r.stdout())
        .containsPattern(
            "h1 +: ok=4 +changed=2 +unreachable=0 +failed=0 +skipped=0 +rescued=0 +ignored=2");
  }

  /**
   * {@code become} to the user the connection already logs in as runs no sudo, as Ansible's default
   * ({@code become_allow_same_user: false}): the task sees the environment a task without become
   * sees (sudo would set SUDO_COMMAND), and runs where sudo is absent.
   */
  @Test
  void becomeToTheLoginUserRunsNoSudo() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - shell: echo "x${SUDO_COMMAND:-}"
                  register: plain
                - shell: echo "x${SUDO_COMMAND:-}"
                  become: true
                  become_user: "{{ ansible_user }}"
                  register: same
                - assert:
                    that: plain.stdout == same.stdout
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(r.stdout()).contains("ok: [h1]").doesNotContain("failed: [h1]");
  }

  /** {@code environment} values are templated per host, as Ansible templates them. */
  @Test
  void environmentValuesAreTemplated() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: h1
              vars:
                who: world
              environment:
                GREETING: "{{ who }}-x"
                LIST: "{{ [who] }}"
              tasks:
                - shell: echo "$GREETING $LIST"
                  register: out
                - assert:
                    that: out.stdout == "world-x ['world']"
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
  }

  /**
   * Ansible's implicit localhost: {@code hosts: localhost} and {@code delegate_to: localhost} run
   * on the machine baton runs on with a local connection (not over SSH to port 22 of localhost,
   * where nothing listens here), and it is not one of {@code all}.
   */
  @Test
  void theImplicitLocalhostRunsLocallyAndIsNotInAll() throws IOException {
    Path inv = inventory("");
    Path here = work.resolve("here");
    Files.createDirectories(here);
    Path book =
        playbook(
            """
            - hosts: localhost
              tasks:
                - command: touch %1$s/play
            - hosts: h1
              tasks:
                - command: touch %1$s/delegated-{{ inventory_hostname }}
                  delegate_to: localhost
            - hosts: all
              tasks:
                - command: touch %1$s/all-{{ inventory_hostname }}
            """
                .formatted(here));

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(here.resolve("play")).exists();
    assertThat(here.resolve("delegated-h1")).exists();
    assertThat(here.resolve("all-h1")).exists();
    assertThat(here.resolve("all-localhost")).doesNotExist();
  }

  /**
   * ansible-vault's own output (src/test/resources/vault): an inline {@code !vault} value under a
   * name that does not look secret and a whole vaulted vars file. With the password file both reach
   * the host decrypted, and neither plaintext appears on the console or in the journal; without it,
   * or with the wrong one, the run is refused before it connects.
   */
  @Test
  void vaultedValuesAndFilesAreDecryptedAndNeverShown() throws IOException {
    Path inv = inventory("");
    Path vault = Path.of("src/test/resources/vault").toAbsolutePath();
    String inline = Files.readString(vault.resolve("inline11.yml"));
    String envelope = inline.substring(inline.indexOf("!vault |"));
    Path out = hosts.home(0).resolve("motd.txt");
    Path book =
        playbook(
            """
            - hosts: h1
              vars_files:
                - %s
              vars:
                motd: %s
              tasks:
                - copy:
                    content: "{{ motd }} {{ port }} {{ api_token }}"
                    dest: %s
                - debug:
                    var: motd
                - debug:
                    msg: "the token is {{ api_token }} on {{ port }} at {{ site }}"
            """
                .formatted(vault.resolve("vars.yml"), envelope.replace("\n", "\n    "), out));

    Baton.Result r =
        play(inv, book, "--vault-password-file", vault.resolve("password.txt").toString());

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(out).content().isEqualTo("S3cr3t!value 8080 tok-123");
    assertThat(r.all()).doesNotContain("S3cr3t!value").doesNotContain("tok-123");
    // A vaulted file's text values are secrets whatever their names; its numbers are not.
    assertThat(r.stdout()).contains("the token is ******** on 8080 at ********");
    assertThat(Files.readString(journalOf(r)))
        .doesNotContain("S3cr3t!value")
        .doesNotContain("tok-123");

    Files.delete(out);
    Baton.Result none = play(inv, book);
    assertThat(none.exitCode()).as(none.all()).isEqualTo(4);
    assertThat(none.stderr())
        .contains("site.yml:5:11: !vault value: vaulted value found but no vault secret given");
    Baton.Result wrong =
        play(inv, book, "--vault-password-file", vault.resolve("prod-password.txt").toString());
    assertThat(wrong.exitCode()).as(wrong.all()).isEqualTo(4);
    assertThat(wrong.stderr()).contains("no vault secret given decrypts it");
    assertThat(out).doesNotExist();
  }

  /**
   * {@code ansible_ssh_common_args} is read as Ansible passes it to ssh: here the host's port is
   * only there ({@code -p}), and the run reaches it; an option baton cannot act on is a warning
   * before anything runs, not dropped silently.
   */
  @Test
  void sshCommonArgsAreHonouredAndTheRestIsWarnedAbout() throws IOException {
    Path inv = work.resolve("args.ini");
    Files.writeString(
        inv,
        "h1 ansible_host="
            + hosts.address(0)
            + " ansible_ssh_common_args='-p "
            + hosts.port(0)
            + " -o StrictHostKeyChecking=no'\n[all:vars]\nansible_user="
            + hosts.user()
            + "\nansible_ssh_private_key_file="
            + hosts.clientKey()
            + "\nbaton_known_hosts_file="
            + hosts.knownHosts()
            + "\n");
    Path book = playbook("- hosts: h1\n  tasks:\n    - command: touch reached\n");

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(hosts.home(0).resolve("reached")).exists();
    assertThat(r.stderr())
        .contains(
            "[WARNING]: h1: [ansible_ssh_common_args ("
                + inv
                + ":1)]: -o StrictHostKeyChecking=no is not acted on");
  }

  /**
   * Loops as ansible-playbook 2.14 runs the same playbook (with a local connection): one line per
   * item, the registered {@code results} (item, ansible_loop_var, changed/failed per item, "One or
   * more items failed"), {@code when} per item with loop_control's loop_var, index_var and label,
   * an empty list skipped, and the same recap for those four tasks ({@code ok=3 changed=1 ...
   * skipped=1 ... ignored=1}; the two with_* tasks add ok=2 changed=2 here).
   */
  @Test
  void loopsRunAsAnsibleRunsThem() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - name: loop
                  command: "test {{ item }} != b"
                  loop: [a, b, c]
                  register: r
                  ignore_errors: true
                - name: show
                  debug:
                    msg: "{{ r.results | length }} {{ r.changed }} {{ r.failed }} {{ r.msg }} {{ r.results[1].item }} {{ r.results[1].ansible_loop_var }}"
                - name: when per item
                  debug: msg="{{ x }} at {{ i }}"
                  loop: [1, 2]
                  loop_control:
                    loop_var: x
                    index_var: i
                    label: "n{{ x }}"
                  when: x > 1
                - name: empty
                  command: "true"
                  loop: []
                - name: with_items flattens, with_dict pairs
                  shell: echo "{{ item }}" >> items.txt
                  with_items: [[p, q], r]
                - shell: echo "{{ item.key }}={{ item.value }}" >> items.txt
                  with_dict: {k: v}
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(r.stdout())
        .contains("changed: [h1] => (item=a)")
        .contains("failed: [h1] (item=b) => {")
        .contains("changed: [h1] => (item=c)")
        .contains("...ignoring")
        .contains("{\"msg\":\"3 True True One or more items failed b item\"}")
        .contains("skipping: [h1] => (item=n1)")
        .contains("ok: [h1] => (item=n2) => {\"msg\":\"2 at 1\"}")
        .containsPattern(
            "h1 +: ok=5 +changed=3 +unreachable=0 +failed=0 +skipped=1 +rescued=0 +ignored=1");
    assertThat(hosts.home(0).resolve("items.txt")).content().isEqualTo("p\nq\nr\nk=v\n");
  }

  /**
   * Handlers as ansible-playbook 2.14 runs the same playbook (local connection, same recap and the
   * same lines in each host's log): flushed at the end of pre_tasks and of tasks, in the handlers
   * list's order, by name or listen topic, only for changed tasks, not on a host that failed.
   */
  @Test
  void handlersRunAsAnsibleRunsThem() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: web
              pre_tasks:
                - name: pre change
                  command: "true"
                  notify: second
              tasks:
                - name: changed
                  command: "true"
                  notify: [first, topic]
                - name: not changed
                  command: "true"
                  changed_when: false
                  notify: third
                - name: h2 fails
                  command: "test {{ inventory_hostname }} != h2"
              handlers:
                - name: first
                  shell: echo first >> log
                - name: second
                  shell: echo second >> log
                - name: third
                  shell: echo third >> log
                - name: by topic
                  shell: echo topic >> log
                  listen: topic
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(hosts.home(0).resolve("log")).content().isEqualTo("second\nfirst\ntopic\n");
    assertThat(hosts.home(1).resolve("log")).content().isEqualTo("second\n");
    assertThat(r.stdout())
        .contains("RUNNING HANDLER [second]")
        .doesNotContain("RUNNING HANDLER [third]")
        .containsPattern("h1 +: ok=7 +changed=6 +unreachable=0 +failed=0")
        .containsPattern("h2 +: ok=4 +changed=3 +unreachable=0 +failed=1");
    assertThat(r.stdout().indexOf("RUNNING HANDLER [second]"))
        .isLessThan(r.stdout().indexOf("TASK [changed]"));
  }

  @Test
  void aNotifyNamingNoHandlerIsRefusedBeforeAnythingRuns() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            "- hosts: h1\n  tasks:\n    - command: touch ran\n      notify: restrat\n"
                + "  handlers:\n    - name: restart\n      command: \"true\"\n");

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(4);
    assertThat(r.stderr())
        .contains(
            "site.yml:4:15: notify: no handler of this play is named or listens to 'restrat'");
    assertThat(hosts.home(0).resolve("ran")).doesNotExist();
  }

  /**
   * {@code import_tasks} reads the file before the run, beside the importing file: its tasks
   * inherit the import's vars, when and tags, may import further and notify the play's handlers; a
   * missing file or a cycle is refused with file:line:col before anything runs.
   */
  @Test
  void importTasksInlinesTheFilesTasksWithTheImportsKeywords() throws IOException {
    Path inv = inventory("");
    Path tasks = work.resolve("tasks");
    Files.createDirectories(tasks);
    Files.writeString(
        tasks.resolve("stop.yml"),
        "- shell: echo {{ what }} >> log\n  notify: done\n- import_tasks: more.yml\n");
    Files.writeString(tasks.resolve("more.yml"), "- shell: echo more >> log\n");
    Path book =
        playbook(
            """
            - hosts: web
              tasks:
                - import_tasks: tasks/stop.yml
                  vars:
                    what: app
                  when: inventory_hostname == 'h1'
              handlers:
                - name: done
                  shell: echo handler >> log
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(hosts.home(0).resolve("log")).content().isEqualTo("app\nmore\nhandler\n");
    assertThat(hosts.home(1).resolve("log")).doesNotExist();

    Files.writeString(tasks.resolve("more.yml"), "- import_tasks: stop.yml\n");
    Baton.Result cycle = play(inv, book);
    assertThat(cycle.exitCode()).as(cycle.all()).isEqualTo(4);
    assertThat(cycle.stderr()).contains("more.yml:1:17: import_tasks: ").contains("imports itself");
  }

  private void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /**
   * An Ansible module with no ansible-core on the jump host, or one that needs Ansible's
   * controller-side action plugin, is refused when the playbook is read, saying what to do.
   */
  @Test
  void anAnsibleModuleThatCannotRunIsRefusedBeforeAnythingRuns() throws IOException {
    Path inv = inventory("");
    env =
        Map.of(
            "BATON_HOME",
            work.resolve("home").toString(),
            "BATON_ANSIBLE_DIR",
            work.resolve("no-ansible").toString());
    Path book =
        playbook(
            "- hosts: h1\n  tasks:\n    - shell: touch ran\n    - lineinfile:\n"
                + "        path: x\n        line: y\n");
    Baton.Result missing = play(inv, book);
    assertThat(missing.exitCode()).as(missing.all()).isEqualTo(4);
    assertThat(missing.stderr())
        .contains(
            "site.yml:4:7: unknown module 'lineinfile': baton runs Ansible's modules from an"
                + " ansible-core installed on the jump host, and none was found (apt-get install"
                + " ansible-core, or set BATON_ANSIBLE_DIR)");

    Files.writeString(book, "- hosts: h1\n  tasks:\n    - shell: touch ran\n    - raw: echo hi\n");
    Baton.Result action = play(inv, book);
    assertThat(action.exitCode()).as(action.all()).isEqualTo(4);
    assertThat(action.stderr())
        .contains(
            "site.yml:4:7: 'raw' needs Ansible's controller-side action plugin, which baton does"
                + " not run; use command or shell");
    assertThat(hosts.home(0).resolve("ran")).doesNotExist();
  }

  /**
   * A packed module whose interpreter does not run it fails the task as Ansible's MODULE FAILURE,
   * with the exit code; the one that runs changes the host.
   */
  @Test
  void aPackedModuleRunsOnTheHostAndAFailureToStartItIsAModuleFailure() throws IOException {
    Needs.that(
        dev.baton.modules.AnsibleModules.onJumpHost().ansibleDir().isPresent(),
        "ansible-core on the jump host (apt-get install ansible-core)",
        "packed Ansible modules");
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - lineinfile:
                    path: "{{ home }}/app.conf"
                    line: port=8080
                    create: true
                - name: the host loses the module library it was sent
                  shell: rm -rf ~/.ansible/tmp/baton-modules
                - lineinfile:
                    path: "{{ home }}/app.conf"
                    line: host=db
                - lineinfile:
                    path: "{{ home }}/app.conf"
                    line: user=app
                  vars:
                    ansible_python_interpreter: /bin/false
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    // The third task found no library on the host and was sent again with it.
    assertThat(hosts.home(0).resolve("app.conf")).content().isEqualTo("port=8080\nhost=db\n");
    assertThat(Path.of(System.getProperty("user.home"), ".ansible/tmp/baton-modules"))
        .isNotEmptyDirectory();
    assertThat(r.stdout())
        .contains("fatal: [h1]: FAILED! => {\"msg\":\"lineinfile: MODULE FAILURE (exit 1)")
        .containsPattern("h1 +: ok=3 +changed=3 +unreachable=0 +failed=1 ");
  }

  /**
   * A collection's module ({@code NS.COLL.NAME} under ANSIBLE_COLLECTIONS_PATH) runs packed with
   * its collection's module_utils, and learns the task's no_log and --check as Ansible's executor
   * tells them ({@code _ansible_no_log}, {@code _ansible_check_mode}).
   */
  @Test
  void aCollectionsModuleRunsWithItsModuleUtilsAndTheTasksNoLogAndCheckMode() throws IOException {
    Needs.that(
        dev.baton.modules.AnsibleModules.onJumpHost().ansibleDir().isPresent(),
        "ansible-core on the jump host (apt-get install ansible-core)",
        "packed Ansible modules");
    Path coll = work.resolve("collections/ansible_collections/testns/testcoll/plugins");
    write(
        coll.resolve("module_utils/words.py"), "def shout(word):\n    return word.upper() + '!'\n");
    write(
        coll.resolve("modules/echo.py"),
        """
        from ansible.module_utils.basic import AnsibleModule
        from ansible_collections.testns.testcoll.plugins.module_utils.words import shout


        def main():
            m = AnsibleModule(argument_spec=dict(word=dict(type='str', required=True)),
                              supports_check_mode=True)
            m.exit_json(changed=False, said=shout(m.params['word']), no_log=m.no_log,
                        check=m.check_mode)


        if __name__ == '__main__':
            main()
        """);
    env =
        Map.of(
            "BATON_HOME",
            work.resolve("home").toString(),
            "ANSIBLE_COLLECTIONS_PATH",
            work.resolve("collections").toString());
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - testns.testcoll.echo:
                    word: hi
                  register: loud
                - testns.testcoll.echo:
                    word: psst
                  register: quiet
                  no_log: true
                - debug:
                    msg: "{{ loud.said }} {{ loud.no_log }} {{ quiet.said }} {{ quiet.no_log }} {{ loud.check }}"
            """);

    Baton.Result r = play(inv, book);
    Baton.Result check = play(inv, book, "--check");

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(r.stdout()).contains("{\"msg\":\"HI! False PSST! True False\"}");
    assertThat(check.stdout()).contains("{\"msg\":\"HI! False PSST! True True\"}");
  }

  /**
   * Roles as ansible-playbook 2.14 runs the same files (local connection; same lines and recap):
   * defaults under the inventory, vars over the play's and seen by the whole play, params over
   * set_fact for the role's own tasks, a dependency run first and once, templates and files from
   * the role, tasks named "role : task", a role's when and tags on all its tasks (and its
   * dependency's), and a notified name run by the handler of the last role run that has it.
   */
  @Test
  void rolesRunAsAnsibleRunsThem() throws IOException {
    Path inv = inventory("h1 inv=inventory\n");
    Path web = work.resolve("roles/web");
    write(
        web.resolve("tasks/main.yml"),
        """
        - name: show
          debug:
            msg: "web d={{ d }} v={{ v }} p={{ p | default('none') }} inv={{ inv }} role={{ role_name }} f={{ lookup('file', 'f.txt') }}"
        - name: render
          template:
            src: t.j2
            dest: "{{ home }}/web.txt"
          notify: restart
        - copy:
            src: f.txt
            dest: "{{ home }}/f.txt"
        - set_fact:
            p: fact
            v: fact_v
        - debug:
            msg: "after set_fact p={{ p | default('none') }} v={{ v }}"
        """);
    write(web.resolve("defaults/main.yml"), "d: web_default\nv: default_v\ninv: default_inv\n");
    write(web.resolve("vars/main.yml"), "v: web_vars\n");
    write(
        web.resolve("handlers/main.yml"),
        "- name: restart\n  debug:\n    msg: handler of web {{ d }}\n");
    write(web.resolve("templates/t.j2"), "T {{ d }} {{ v }}\n");
    write(web.resolve("files/f.txt"), "role file\n");
    write(web.resolve("meta/main.yml"), "dependencies:\n  - role: base\n    bp: from_dep\n");
    Path base = work.resolve("roles/base");
    write(
        base.resolve("tasks/main.yml"),
        "- debug:\n    msg: base bp={{ bp | default('none') }} d={{ d }}\n");
    write(base.resolve("defaults/main.yml"), "bd: base_default\n");
    Path book =
        playbook(
            """
            - hosts: h1
              vars:
                v: play_v
              pre_tasks:
                - debug:
                    msg: "pre d={{ d }} v={{ v }} bd={{ bd }}"
              roles:
                - role: web
                  p: param
                  tags: [webtag]
                - role: base
                  bp: from_dep
                - role: web
                  when: false
              tasks:
                - debug:
                    msg: "tasks d={{ d }} v={{ v }} roles={{ role_names }}"
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    List<String> lines =
        r.stdout()
            .lines()
            .filter(
                l ->
                    l.startsWith("TASK [")
                        || l.startsWith("RUNNING")
                        || l.contains("\"msg\"")
                        || l.startsWith("skipping"))
            .map(l -> l.replaceAll(" \\*+$", ""))
            .toList();
    assertThat(lines)
        .containsExactly(
            "TASK [debug]",
            "ok: [h1] => {\"msg\":\"pre d=web_default v=web_vars bd=base_default\"}",
            "TASK [base : debug]",
            "ok: [h1] => {\"msg\":\"base bp=from_dep d=web_default\"}",
            "TASK [web : show]",
            "ok: [h1] => {\"msg\":\"web d=web_default v=web_vars p=param inv=inventory role=web f=role file\"}",
            "TASK [web : render]",
            "TASK [web : copy]",
            "TASK [web : set_fact]",
            "TASK [web : debug]",
            "ok: [h1] => {\"msg\":\"after set_fact p=param v=fact_v\"}",
            "TASK [web : show]",
            "skipping: [h1]",
            "TASK [web : render]",
            "skipping: [h1]",
            "TASK [web : copy]",
            "skipping: [h1]",
            "TASK [web : set_fact]",
            "skipping: [h1]",
            "TASK [web : debug]",
            "skipping: [h1]",
            "TASK [debug]",
            "ok: [h1] => {\"msg\":\"tasks d=web_default v=fact_v roles=['web', 'base', 'web']\"}",
            "RUNNING HANDLER [web : restart]",
            "skipping: [h1]");
    assertThat(r.stdout())
        .containsPattern("h1 +: ok=8 +changed=2 +unreachable=0 +failed=0 +skipped=6 ");
    assertThat(hosts.home(0).resolve("web.txt")).content().isEqualTo("T web_default web_vars\n");
    assertThat(hosts.home(0).resolve("f.txt")).content().isEqualTo("role file\n");

    Baton.Result tagged = play(inv, book, "--tags", "webtag");
    assertThat(tagged.stdout())
        .contains("TASK [base : debug]", "TASK [web : show]")
        .doesNotContain("pre d=")
        .containsPattern("h1 +: ok=6 +changed=0 ");

    write(base.resolve("meta/main.yml"), "dependencies: [web]\n");
    Baton.Result cycle = play(inv, book);
    assertThat(cycle.exitCode()).as(cycle.all()).isEqualTo(4);
    assertThat(cycle.stderr()).contains("base/meta/main.yml:1:16: role web depends on itself");

    Files.delete(base.resolve("meta/main.yml"));
    Files.writeString(book, "- hosts: h1\n  roles:\n    - webb\n");
    Baton.Result missing = play(inv, book);
    assertThat(missing.exitCode()).as(missing.all()).isEqualTo(4);
    assertThat(missing.stderr())
        .contains("site.yml:3:7: role 'webb' not found (looked in " + work.resolve("roles/webb"));
  }

  /**
   * {@code import_playbook} as ansible-playbook 2.14 runs the same two files (local connection):
   * the imported play's playbook_dir, vars_files, lookup('file') and templates are its own
   * directory's; the import's vars override the play's; its tags select the imported plays.
   */
  @Test
  void importPlaybookBringsInThePlaysOfAnotherFileAsAnsibleDoes() throws IOException {
    Path inv = inventory("");
    Path sub = work.resolve("sub");
    Files.createDirectories(sub.resolve("files"));
    Files.createDirectories(sub.resolve("templates"));
    Files.writeString(sub.resolve("v.yml"), "z: zz\n");
    Files.writeString(sub.resolve("files/f.txt"), "filetext\n");
    Files.writeString(sub.resolve("templates/t.j2"), "T {{ x }}\n");
    Files.writeString(
        sub.resolve("inner.yml"),
        """
        - hosts: h1
          vars:
            x: from_play
            y: play_y
          vars_files: [v.yml]
          tasks:
            - debug:
                msg: "inner {{ playbook_dir }} x={{ x }} y={{ y }} z={{ z }} f={{ lookup('file', 'f.txt') }}"
            - template:
                src: t.j2
                dest: "{{ home }}/out.txt"
              tags: [own]
        """);
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - debug:
                    msg: "top {{ playbook_dir }}"
            - import_playbook: sub/inner.yml
              vars:
                x: from_import
              tags: [imp]
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(r.stdout())
        .contains("{\"msg\":\"top " + work.toAbsolutePath() + "\"}")
        .contains(
            "{\"msg\":\"inner "
                + sub.toAbsolutePath()
                + " x=from_import y=play_y z=zz f=filetext\"}")
        .containsPattern("h1 +: ok=3 +changed=1 ");
    assertThat(hosts.home(0).resolve("out.txt")).content().isEqualTo("T from_import\n");

    Files.delete(hosts.home(0).resolve("out.txt"));
    Baton.Result tagged = play(inv, book, "--tags", "imp");
    assertThat(tagged.stdout()).doesNotContain("top ").containsPattern("h1 +: ok=2 +changed=1 ");
    assertThat(hosts.home(0).resolve("out.txt")).exists();

    Files.writeString(sub.resolve("loop.yml"), "- import_playbook: ../site.yml\n");
    Files.writeString(
        sub.resolve("inner.yml"), "- import_playbook: loop.yml\n- hosts: h1\n  tasks: []\n");
    Baton.Result cycle = play(inv, book);
    assertThat(cycle.exitCode()).as(cycle.all()).isEqualTo(4);
    assertThat(cycle.stderr())
        .contains("loop.yml:1:20: import_playbook: ")
        .contains("imports itself");

    Files.writeString(
        book, "- import_playbook: sub/v.yml\n  when: false\n- hosts: h1\n  tasks: []\n");
    Baton.Result when = play(inv, book);
    assertThat(when.exitCode()).as(when.all()).isEqualTo(4);
    assertThat(when.stderr()).contains("site.yml:2:3: 'when' on import_playbook is not supported");
  }

  /**
   * Magic variables as ansible-playbook 2.14 prints them for the same playbook: the failed task and
   * its result in rescue (still defined after it), the run's tags, ansible_version, inventory_dir.
   */
  @Test
  void magicVariablesReadAsInAnsible() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - block:
                    - name: breaks
                      command: "false"
                  rescue:
                    - debug:
                        msg: "{{ ansible_failed_task.name }} rc={{ ansible_failed_result.rc }} tags={{ ansible_run_tags }} skip={{ ansible_skip_tags }} major={{ ansible_version.major }} inv={{ inventory_dir == playbook_dir }}"
                - debug:
                    msg: "{{ ansible_failed_task is defined }}"
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(r.stdout())
        .contains("{\"msg\":\"breaks rc=1 tags=['all'] skip=[] major=2 inv=True\"}")
        .contains("{\"msg\":true}");
  }

  /**
   * As in Ansible (checked with ansible-playbook 2.14: an inventory's ansible_become=true made a
   * play with {@code become: false} become), connection variables outrank the keywords they stand
   * for: the inventory's ansible_become and ansible_become_user win over the play's keywords.
   */
  @Test
  void becomeVariablesOutrankTheKeywords() throws IOException {
    dev.baton.testing.Needs.that(
        "root".equals(System.getProperty("user.name")), "root", "sudo to nobody");
    dev.baton.testing.Needs.command("sudo", "sudo to nobody");
    Path inv = inventory("\n[web:vars]\nansible_become=true\nansible_become_user=nobody\n");
    Path book =
        playbook(
            """
            - hosts: h1
              become: false
              become_user: root
              tasks:
                - command: id -un
                  register: who
                - assert:
                    that: who.stdout == 'nobody'
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
  }

  /**
   * {@code meta} as ansible-playbook 2.14 runs the same playbook (same lines in each host's log,
   * same recap): flush_handlers runs the notified handlers there, end_host ends the play for the
   * hosts its when holds for, end_play ends the play, not the run.
   */
  @Test
  void metaActionsRunAsInAnsible() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: web
              tasks:
                - command: "true"
                  notify: h
                - meta: flush_handlers
                - shell: echo after-flush >> log
                - meta: end_host
                  when: inventory_hostname == 'h2'
                - shell: echo not-h2 >> log
                - meta: end_play
                - shell: echo never >> log
              handlers:
                - name: h
                  shell: echo handler >> log
            - hosts: web
              tasks:
                - shell: echo second-play >> log
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(hosts.home(0).resolve("log"))
        .content()
        .isEqualTo("handler\nafter-flush\nnot-h2\nsecond-play\n");
    assertThat(hosts.home(1).resolve("log"))
        .content()
        .isEqualTo("handler\nafter-flush\nsecond-play\n");
    assertThat(r.stdout())
        .containsPattern("h1 +: ok=5 +changed=5 +unreachable=0 +failed=0")
        .containsPattern("h2 +: ok=4 +changed=4 +unreachable=0 +failed=0");

    Path bad = playbook("- hosts: h1\n  tasks:\n    - meta: refresh_inventory\n");
    Baton.Result refused = play(inv, bad);
    assertThat(refused.exitCode()).isEqualTo(4);
    assertThat(refused.stderr())
        .contains("site.yml:3:7: meta: 'refresh_inventory' is not an action baton carries out");
  }

  /**
   * {@code include_vars} reads a file of the jump host, from the playbook's vars/ first, as YAML
   * 1.1 like every vars file (yes is true), and sets its variables, under {@code name} if given.
   */
  @Test
  void includeVarsSetsTheFilesVariables() throws IOException {
    Path inv = inventory("");
    Files.createDirectories(work.resolve("vars"));
    Files.writeString(work.resolve("vars/site.yml"), "site: lima\nflag: yes\n");
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - include_vars: site.yml
                - include_vars:
                    file: site.yml
                    name: s
                - assert:
                    that:
                      - site == 'lima'
                      - flag is sameas true
                      - s.site == 'lima'
                - include_vars: nosuch.yml
                  ignore_errors: true
                  register: missing
                - assert:
                    that: "'no file nosuch.yml' in missing.msg"
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(r.stdout())
        .containsPattern(
            "h1 +: ok=5 +changed=0 +unreachable=0 +failed=0 +skipped=0 +rescued=0 +ignored=1");
  }

  /**
   * {@code template} renders a file of the jump host (the playbook's templates/) with the host's
   * variables and writes it as copy would: changed the first time, ok the second, with its mode.
   */
  @Test
  void templateRendersOnTheJumpHostAndWritesOnlyWhatDiffers() throws IOException {
    Path inv = inventory("");
    Files.createDirectories(work.resolve("templates"));
    Files.writeString(
        work.resolve("templates/app.conf.j2"),
        "host={{ inventory_hostname }}\n{% for d in dbs %}db={{ d }}\n{% endfor %}list={{ dbs }}\n");
    Path dest = hosts.home(0).resolve("app.conf");
    Path book =
        playbook(
            """
            - hosts: h1
              vars:
                dbs: [sports, orders]
              tasks:
                - template:
                    src: app.conf.j2
                    dest: %s
                    mode: "0640"
            """
                .formatted(dest));

    Baton.Result first = play(inv, book);
    Baton.Result second = play(inv, book);

    assertThat(first.exitCode()).as(first.all()).isEqualTo(0);
    assertThat(dest)
        .content()
        .isEqualTo("host=h1\ndb=sports\ndb=orders\nlist=['sports', 'orders']\n");
    assertThat(Files.getPosixFilePermissions(dest))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    assertThat(first.stdout()).containsPattern("h1 +: ok=1 +changed=1");
    assertThat(second.stdout()).containsPattern("h1 +: ok=1 +changed=0");
  }

  /**
   * {@code -u} and {@code --private-key} stand in where the inventory says nothing (an inventory
   * value wins, as in Ansible); {@code -b --become-user} where the play says nothing (a play's
   * {@code become: false} wins).
   */
  @Test
  void commandLineConnectionSettingsAreTheLowestPrecedence() throws IOException {
    Path inv = work.resolve("bare.ini");
    Files.writeString(
        inv,
        "h1 ansible_host="
            + hosts.address(0)
            + " ansible_port="
            + hosts.port(0)
            + "\n[all:vars]\nbaton_known_hosts_file="
            + hosts.knownHosts()
            + "\n");
    Path book = playbook("- hosts: h1\n  tasks:\n    - command: touch reached\n");
    String[] login = {"-u", hosts.user(), "--private-key", hosts.clientKey().toString()};

    Baton.Result r = play(inv, book, login);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(hosts.home(0).resolve("reached")).exists();

    dev.baton.testing.Needs.that(
        "root".equals(System.getProperty("user.name")), "root", "sudo to nobody");
    dev.baton.testing.Needs.command("sudo", "sudo to nobody");
    Path two =
        playbook(
            """
            - hosts: h1
              tasks:
                - command: id -un
                  register: who
                - assert:
                    that: who.stdout == 'nobody'
            - hosts: h1
              become: false
              tasks:
                - command: id -un
                  register: who
                - assert:
                    that: who.stdout == 'root'
            """);
    Baton.Result b =
        play(inv, two, login[0], login[1], login[2], login[3], "-b", "--become-user", "nobody");
    assertThat(b.exitCode()).as(b.all()).isEqualTo(0);
  }

  @Test
  void aLimitThatMatchesNoHostIsRefusedAndNothingRuns() throws IOException {
    Path inv = inventory("");
    Path book = playbook("- hosts: all\n  tasks:\n    - command: touch ran\n");

    Baton.Result r = play(inv, book, "--limit", "nosuchhost");

    assertThat(r.exitCode()).as(r.all()).isEqualTo(5);
    assertThat(r.stderr()).contains("--limit nosuchhost matches no host of the inventory");
    for (int i = 0; i < 3; i++) {
      assertThat(hosts.home(i).resolve("ran")).doesNotExist();
    }
  }

  @Test
  void blockRescueAlwaysAndRetries() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - block:
                    - name: fails
                      command: /bin/false
                  rescue:
                    - name: rescued
                      shell: touch rescued
                  always:
                    - name: always
                      shell: touch always
                - name: counts up until three
                  shell: echo x >> tries; wc -l < tries
                  register: tries
                  until: tries.stdout | int >= 3
                  retries: 5
                  delay: 0
            """);
    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(hosts.home(0).resolve("rescued")).exists();
    assertThat(hosts.home(0).resolve("always")).exists();
    assertThat(Files.readAllLines(hosts.home(0).resolve("tries"))).hasSize(3);
    assertThat(r.stdout()).containsPattern("h1 +: .*failed=0 +skipped=0 +rescued=1");
    // Ansible's retry lines: 6 attempts in all with retries: 5.
    assertThat(r.stdout())
        .contains("FAILED - RETRYING: [h1]: counts up until three (5 retries left).")
        .contains("FAILED - RETRYING: [h1]: counts up until three (4 retries left).")
        .doesNotContain("(3 retries left)");
  }

  /**
   * until without retries: 3 attempts, and "attempts": 2 when they ran out, as ansible-core 2.14.
   */
  @Test
  void untilRunsOutAsAnsibleCountsIt() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - name: try
                  shell: echo x >> tries; false
                  register: r
                  until: r.rc == 0
                  delay: 0
                  ignore_errors: true
                - debug:
                    msg: "{{ r.attempts }}"
            """);

    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    assertThat(Files.readAllLines(hosts.home(0).resolve("tries"))).hasSize(3);
    assertThat(r.stdout())
        .contains("FAILED - RETRYING: [h1]: try (2 retries left).")
        .contains("FAILED - RETRYING: [h1]: try (1 retries left).")
        .contains("{\"msg\":2}");
  }

  @Test
  void badInputIsOneLineWithFileLineColumnAndNothingRuns() throws IOException {
    Path inv = inventory("");
    String[][] cases = {
      {
        "- hosts: all\n  tasks:\n    - name: x\n      shell: touch ran\n      colour: red\n",
        "5:7",
        "colour"
      },
      {"- hosts: all\n  tasks:\n    - name: x\n      shel: touch ran\n", "4:7", "shel"},
      {
        "- hosts: all\n  tasks:\n    - name: x\n      shell: touch ran\n      retries: many\n",
        "5:16",
        "retries"
      },
      {"- hosts: all\n  hosts: web\n  tasks: []\n", "2:3", "hosts"},
      {"- hosts: all\n  tasks:\n    - name: [unclosed\n", "4:1", "malformed YAML"},
    };
    for (String[] c : cases) {
      Path book = playbook(c[0]);
      Baton.Result r = play(inv, book);
      assertThat(r.exitCode()).as(c[0] + r.all()).isEqualTo(4);
      assertThat(r.stderr()).as(c[0]).contains("site.yml:" + c[1]).contains(c[2]);
      assertThat(r.stdout()).doesNotContain("PLAY [");
    }
    assertThat(hosts.home(0).resolve("ran")).doesNotExist();
  }

  @Test
  void undefinedVariableFailsTheTaskNamingFileLineColumn() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - hosts: h1
              tasks:
                - name: uses an undefined variable
                  shell: touch "{{ no_such_var }}"
            """);
    Baton.Result r = play(inv, book);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.stdout()).contains("site.yml:4:").contains("no_such_var");
  }

  @Test
  void syntaxCheckListHostsAndListTasksTouchNoHost() throws IOException {
    Path inv = inventory("");
    Path book =
        playbook(
            """
            - name: p
              hosts: web
              tasks:
                - name: first
                  shell: touch ran
                  tags: [a]
            """);
    Baton.Result syntax = play(inv, book, "--syntax-check");
    Baton.Result listHosts = play(inv, book, "--list-hosts");
    Baton.Result listTasks = play(inv, book, "--list-tasks");

    assertThat(syntax.exitCode()).isEqualTo(0);
    assertThat(syntax.stdout()).contains("playbook: ");
    assertThat(listHosts.stdout()).contains("hosts (2):", "h1", "h2").doesNotContain("h3");
    assertThat(listTasks.stdout()).contains("first", "TAGS: [a]");
    assertThat(hosts.home(0).resolve("ran")).doesNotExist();
  }
}

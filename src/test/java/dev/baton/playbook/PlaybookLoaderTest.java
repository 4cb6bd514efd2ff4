package dev.baton.playbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.Mark;
import dev.baton.modules.ModuleRegistry;
import dev.baton.template.JinjavaTemplater;
import dev.baton.template.TemplateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaybookLoaderTest {
  private static final String DIR = "src/test/resources/playbooks/";
  private static final String FAILBACK = DIR + "failback.yml";
  private final ModuleRegistry modules = TestModules.registry();
  private final PlaybookLoader loader = new PlaybookLoader();

  @TempDir Path tmp;

  private static Mark at(String file, int line, int col) {
    return new Mark(file, line, col);
  }

  /** TaskOptions with only the named keywords set. */
  private static TaskOptions opts(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    @SuppressWarnings("unchecked")
    TaskOptions o =
        new TaskOptions(
            (String) m.get("register"),
            (List<String>) m.getOrDefault("when", List.of()),
            (List<String>) m.getOrDefault("failed_when", List.of()),
            (List<String>) m.getOrDefault("changed_when", List.of()),
            (String) m.get("until"),
            (Integer) m.get("retries"),
            (Integer) m.get("delay"),
            (Boolean) m.get("ignore_errors"),
            (String) m.get("delegate_to"),
            (Boolean) m.get("run_once"),
            (Boolean) m.get("no_log"),
            (Set<String>) m.getOrDefault("tags", Set.of()),
            (Integer) m.get("timeout"),
            (Boolean) m.get("become"),
            (String) m.get("become_user"),
            (Map<String, Object>) m.get("vars"),
            (Map<String, Object>) m.get("environment"),
            (dev.baton.playbook.Loop) m.get("loop"),
            List.of(),
            List.of());
    return o;
  }

  private static ModuleTask task(
      String name,
      String module,
      Map<String, Object> args,
      Map<String, Mark> marks,
      TaskOptions o,
      Mark mark) {
    return new ModuleTask(name, module, args, marks, o, mark);
  }

  private static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void parsesMultiPlayPlaybookIntoExactRecords() throws Exception {
    Playbook book = loader.load(Path.of(FAILBACK), modules);
    String f = FAILBACK;
    ModuleTask backup =
        task(
            "Take the online backup",
            "command",
            ordered("chdir", "/db", "_raw_params", "probkup online {{ db }} /backup/{{ db }}.bak"),
            Map.of("_raw_params", at(f, 20, 32), "chdir", at(f, 20, 32)),
            opts(
                "register",
                "backup",
                "when",
                List.of("db is defined"),
                "failed_when",
                List.of("backup.rc != 0", "'error' in backup.stdout"),
                "changed_when",
                List.of("false"),
                "until",
                "backup is succeeded",
                "retries",
                3,
                "delay",
                10,
                "tags",
                Set.of("backup", "online"),
                "timeout",
                3600,
                "no_log",
                true),
            at(f, 19, 7));
    ModuleTask copy =
        task(
            "copy",
            "copy",
            ordered("src", "files/a.txt", "dest", "/tmp/a.txt", "backup", true, "mode", "0644"),
            Map.of(
                "src", at(f, 34, 14),
                "dest", at(f, 35, 15),
                "backup", at(f, 36, 17),
                "mode", at(f, 38, 15)),
            opts(
                "become",
                false,
                "delegate_to",
                "jump",
                "run_once",
                true,
                "ignore_errors",
                true,
                "vars",
                Map.of("x", 1),
                "environment",
                Map.of("LANG", "C"),
                "tags",
                Set.of("copy", "files")),
            at(f, 33, 7));
    Play first =
        new Play(
            "Back up the secondary",
            "secondaries",
            ordered("db", "sports", "dirs", List.of("/backup", "/tmp")),
            List.of("vars/common.yml"),
            List.of("1", "30%"),
            20,
            true,
            true,
            "oracle",
            List.of(backup, copy),
            at(f, 2, 3),
            Set.of("backup"),
            Map.of("DLC", "/usr/dlc"));
    Block restore =
        new Block(
            "Restore",
            List.of(
                task(
                    "shell",
                    "shell",
                    ordered("_raw_params", "prorest {{ db }} /backup/{{ db }}.bak"),
                    Map.of("_raw_params", at(f, 54, 18)),
                    TaskOptions.NONE,
                    at(f, 54, 11)),
                task(
                    "wait_for",
                    "wait_for",
                    ordered("port", "20931", "timeout", "30"),
                    Map.of("port", at(f, 55, 21), "timeout", at(f, 55, 21)),
                    TaskOptions.NONE,
                    at(f, 55, 11))),
            List.of(
                task(
                    "debug",
                    "debug",
                    ordered("msg", "restore failed"),
                    Map.of("msg", at(f, 58, 18)),
                    TaskOptions.NONE,
                    at(f, 57, 11))),
            List.of(
                task(
                    "command",
                    "command",
                    ordered("cmd", "echo done"),
                    Map.of("cmd", at(f, 61, 18)),
                    TaskOptions.NONE,
                    at(f, 60, 11))),
            opts(
                "when",
                List.of("restore | default(true)"),
                "become",
                true,
                "tags",
                Set.of("restore")),
            at(f, 52, 7));
    ModuleTask setFact =
        task(
            "set_fact",
            "set_fact",
            ordered("anything", "goes", "more", List.of(1, 2)),
            Map.of("anything", at(f, 67, 19), "more", at(f, 68, 15)),
            TaskOptions.NONE,
            at(f, 66, 7));
    Play second =
        new Play(
            "primary,dr",
            "primary,dr",
            Map.of(),
            List.of(),
            List.of(),
            null,
            false,
            null,
            null,
            List.of(restore, setFact),
            at(f, 48, 3));

    assertThat(book.path()).isEqualTo(Path.of(FAILBACK));
    assertThat(book.plays()).hasSize(2);
    assertThat(book.plays().get(0).tasks().get(0)).isEqualTo(backup);
    assertThat(book.plays().get(0).tasks().get(1)).isEqualTo(copy);
    assertThat(book.plays().get(0)).isEqualTo(first);
    assertThat(book.plays().get(1).tasks().get(0)).isEqualTo(restore);
    assertThat(book.plays().get(1)).isEqualTo(second);
    assertThat(List.copyOf(backup.args().keySet())).containsExactly("chdir", "_raw_params");
    assertThat(restore.flatten()).hasSize(5);
  }

  private void assertError(String file, String expected) {
    String path = DIR + "bad/" + file;
    assertThatThrownBy(() -> loader.load(Path.of(path), modules))
        .isInstanceOf(PlaybookException.class)
        .hasMessage(path + ":" + expected);
  }

  @Test
  void malformedYamlPointsAtTheProblem() {
    assertError(
        "malformed.yml",
        "5:1: malformed YAML: found unexpected end of stream (while scanning a quoted scalar)");
  }

  @Test
  void unknownTaskKeywordSuggestsTheKnownOne() {
    assertError("unknown_keyword.yml", "5:7: unknown keyword 'whne' in task; did you mean 'when'?");
  }

  @Test
  void unknownPlayKeywordSuggestsTheKnownOne() {
    assertError(
        "unknown_play_keyword.yml", "1:3: unknown keyword 'hots' in play; did you mean 'hosts'?");
  }

  @Test
  void unknownModuleSuggestsTheKnownOne() {
    assertError("unknown_module.yml", "4:7: unknown module 'comand'; did you mean 'command'?");
  }

  @Test
  void twoModulesInOneTaskAreRefused() {
    assertError(
        "two_modules.yml",
        "5:7: task has two modules, 'command' and 'shell'; a task calls exactly one module");
  }

  @Test
  void wrongTypeNamesWhatWasExpected() {
    assertError(
        "wrong_type.yml", "4:16: 'retries' must be a whole number of 0 or more, got 'many'");
  }

  @Test
  void duplicateKeyPointsAtTheSecond() {
    assertError("duplicate_key.yml", "5:7: duplicate key 'name' (first at line 3)");
  }

  @Test
  void missingHostsPointsAtThePlay() {
    assertError(
        "missing_hosts.yml", "1:3: play has no 'hosts'; say which hosts or groups it runs on");
  }

  @Test
  void unknownModuleArgumentSuggestsTheKnownOne() {
    assertError(
        "unknown_arg.yml", "6:9: unknown argument 'mod' for module 'copy'; did you mean 'mode'?");
  }

  @Test
  void missingRequiredArgumentIsNamed() {
    assertError("missing_arg.yml", "3:7: module 'copy' requires argument 'dest'");
  }

  @Test
  void gatherFactsWithoutAnAnsibleSetupModuleIsRefused() {
    assertError(
        "gather_facts.yml",
        "2:17: gather_facts: true runs Ansible's setup module: it is not installed on the jump"
            + " host");
  }

  @Test
  void listenOutsideHandlersIsRefused() {
    assertError("handlers.yml", "3:7: 'listen' is for the tasks of 'handlers'");
  }

  @Test
  void errorCarriesSnippetWithCaret() throws Exception {
    String path = DIR + "bad/unknown_keyword.yml";
    PlaybookException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            PlaybookException.class, () -> loader.load(Path.of(path), modules));
    assertThat(e.mark()).isEqualTo(at(path, 5, 7));
    assertThat(e.snippet()).isEqualTo("      whne: x == 1\n      ^");
  }

  @Test
  void undefinedVariableAtRenderTimeNamesTheArgumentsPlace() throws Exception {
    String path = DIR + "bad/undefined_at_render.yml";
    ModuleTask t = (ModuleTask) loader.load(Path.of(path), modules).plays().get(0).tasks().get(0);
    assertThatThrownBy(
            () ->
                new JinjavaTemplater()
                    .render(
                        t.args().get("_raw_params"),
                        Map.of("db", "x"),
                        t.argMarks().get("_raw_params")))
        .isInstanceOf(TemplateException.class)
        .hasMessage(path + ":3:16: undefined variable 'nosuch'");
  }

  private String loadError(String yaml) throws Exception {
    Path file = tmp.resolve("p.yml");
    Files.writeString(file, yaml);
    PlaybookException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            PlaybookException.class, () -> loader.load(file, modules));
    return e.getMessage().substring(file.toString().length() + 1);
  }

  private Playbook load(String yaml) throws Exception {
    Path file = tmp.resolve("p.yml");
    Files.writeString(file, yaml);
    return loader.load(file, modules);
  }

  @Test
  void moduleArgumentTypesAreCheckedForLiterals() throws Exception {
    assertThat(loadError("- hosts: all\n  tasks:\n    - wait_for:\n        port: abc\n"))
        .isEqualTo("4:15: argument 'port' of module 'wait_for' must be an integer, got 'abc'");
    assertThat(loadError("- hosts: all\n  tasks:\n    - copy: {src: a, dest: b, backup: maybe}\n"))
        .isEqualTo(
            "3:39: argument 'backup' of module 'copy' must be a boolean (true/false), got 'maybe'");
    assertThat(loadError("- hosts: all\n  tasks:\n    - copy: {src: [a], dest: b}\n"))
        .isEqualTo("3:19: argument 'src' of module 'copy' must be a string, got a list");
    // A template is checked once rendered, not here.
    ModuleTask t =
        (ModuleTask)
            load("- hosts: all\n  tasks:\n    - wait_for:\n        port: \"{{ p }}\"\n")
                .plays()
                .get(0)
                .tasks()
                .get(0);
    assertThat(t.args()).isEqualTo(Map.of("port", "{{ p }}"));
  }

  @Test
  void oneOfRequiredArgumentsAreNamed() throws Exception {
    assertThat(loadError("- hosts: all\n  tasks:\n    - copy: dest=/tmp/x\n"))
        .isEqualTo("3:7: module 'copy' requires one of 'content', 'src'");
    assertThat(loadError("- hosts: all\n  tasks:\n    - command:\n        chdir: /tmp\n"))
        .isEqualTo("3:7: module 'command' requires one of 'cmd' or a free-form command");
  }

  @Test
  void keyValueStringsForNonFreeFormModules() throws Exception {
    ModuleTask t =
        (ModuleTask)
            load("- hosts: all\n  tasks:\n    - copy: src=a dest=\"/tmp/with space\" mode='0600'\n")
                .plays()
                .get(0)
                .tasks()
                .get(0);
    assertThat(t.args()).isEqualTo(Map.of("src", "a", "dest", "/tmp/with space", "mode", "0600"));
    assertThat(loadError("- hosts: all\n  tasks:\n    - copy: src=a /tmp/x\n"))
        .isEqualTo("3:13: module 'copy' takes key=value arguments; '/tmp/x' is not one");
    assertThat(loadError("- hosts: all\n  tasks:\n    - copy: src='a dest=b\n"))
        .isEqualTo("3:13: cannot parse arguments of module 'copy': unterminated single quote");
  }

  @Test
  void freeFormKeepsTheCommandAsWritten() throws Exception {
    ModuleTask t =
        (ModuleTask)
            load("- hosts: all\n  tasks:\n    - shell: echo  'a  b' | grep -c x=1\n")
                .plays()
                .get(0)
                .tasks()
                .get(0);
    assertThat(t.args()).isEqualTo(Map.of("_raw_params", "echo  'a  b' | grep -c x=1"));
    ModuleTask prose =
        (ModuleTask)
            load("- hosts: all\n  tasks:\n    - shell: echo it's done chdir=/tmp\n")
                .plays()
                .get(0)
                .tasks()
                .get(0);
    assertThat(prose.args()).isEqualTo(Map.of("_raw_params", "echo it's done chdir=/tmp"));
  }

  @Test
  void blockKeywordsAreChecked() throws Exception {
    assertThat(
            loadError(
                "- hosts: all\n  tasks:\n    - block:\n        - command: ls\n      register: r\n"))
        .isEqualTo("5:7: 'register' cannot be used on a block");
    assertThat(loadError("- hosts: all\n  tasks:\n    - command: ls\n      rescue: []\n"))
        .isEqualTo("4:7: 'rescue' needs a 'block' in the same entry");
    assertThat(loadError("- hosts: all\n  tasks:\n    - block: []\n      command: ls\n"))
        .isEqualTo("4:7: a block cannot call a module ('command'); put it in a task of the block");
  }

  @Test
  void otherPlayAndTaskProblems() throws Exception {
    assertThat(loadError("")).isEqualTo("1:1: playbook is empty; expected a list of plays");
    assertThat(loadError("hosts: all\n"))
        .isEqualTo("1:1: a playbook is a list of plays, got a mapping");
    assertThat(loadError("- hosts: all\n  roles: [x]\n"))
        .startsWith("2:11: role 'x' not found (looked in ")
        .contains("/roles/x, ");
    assertThat(loadError("- hosts: all\n  roles:\n    - when: true\n"))
        .isEqualTo("3:7: a role needs its name ('- role: NAME' or '- NAME')");
    assertThat(loadError("- hosts: all\n  roles: [\"{{ r }}\"]\n"))
        .isEqualTo("2:11: a role's name cannot be templated (baton reads roles before the run)");
    assertThat(loadError("- hosts: all\n  tasks:\n    - name: nothing\n"))
        .isEqualTo("3:7: task has no module; name one module (such as 'command') or a 'block'");
    assertThat(loadError("- hosts: all\n  tasks:\n    - command: ls\n      become: sometimes\n"))
        .isEqualTo("4:15: 'become' must be a boolean (true/false), got 'sometimes'");
    assertThat(loadError("- hosts: all\n  serial: lots\n  tasks: []\n"))
        .isEqualTo(
            "2:11: 'serial' must be a number, a percentage such as '30%', or a list of them, got 'lots'");
    assertThat(loadError("- hosts: all\n  tasks:\n    - command: ls\n      register: two words\n"))
        .isEqualTo("4:17: 'register' must be a variable name, got 'two words'");
    assertThat(loadError("- hosts: all\n  tasks:\n    - command: ls\n      when: {a: 1}\n"))
        .isEqualTo("4:13: 'when' must be a condition or a list of conditions, got a mapping");
    assertThat(loadError("- hosts: all\n  tasks: {a: 1}\n"))
        .isEqualTo("2:10: 'tasks' must be a list of tasks, got a mapping");
  }

  @Test
  void remoteUserIsRefusedWithWhatToWriteNotTakenForBecomeUser() throws Exception {
    assertThat(loadError("- hosts: all\n  remote_user: deploy\n  tasks: []\n"))
        .isEqualTo(
            "2:3: 'remote_user' is not supported by baton; set ansible_user in the inventory or"
                + " with -e ansible_user=NAME");
    assertThat(loadError("- hosts: all\n  tasks:\n    - command: ls\n      remote_user: deploy\n"))
        .isEqualTo(
            "4:7: 'remote_user' is not supported by baton; set ansible_user in the inventory or"
                + " with -e ansible_user=NAME");
  }

  @Test
  void ansibleKeywordsBatonLacksSayWhatToDoInstead() throws Exception {
    assertThat(
            loadError(
                "- hosts: all\n  tasks:\n    - command: ls {{ item }}\n      with_sequence: 1-3\n"))
        .isEqualTo(
            "4:7: 'with_sequence' is not supported by baton; use loop with range(), e.g. loop:"
                + " \"{{ range(1, 4) | list }}\"");
    assertThat(
            loadError(
                "- hosts: all\n  tasks:\n    - command: ls\n      loop: [a]\n      with_items: [b]\n"))
        .isEqualTo("5:19: a task has one loop, not both 'loop' and 'with_items'");
    assertThat(
            loadError(
                "- hosts: all\n  tasks:\n    - command: ls\n      loop_control: {loop_var: x}\n"))
        .isEqualTo("4:21: 'loop_control' needs a 'loop' in the same task");
    assertThat(
            loadError(
                "- hosts: all\n  tasks:\n    - command: ls\n      loop: [a]\n"
                    + "      loop_control: {loopvar: x}\n"))
        .isEqualTo("5:22: unknown key 'loopvar' in loop_control; did you mean 'loop_var'?");
    assertThat(loadError("- hosts: all\n  tasks:\n    - ansible.builtin.include_tasks: x.yml\n"))
        .isEqualTo(
            "3:7: 'ansible.builtin.include_tasks' is not supported by baton; use import_tasks (read"
                + " before the run)");
  }

  @Test
  void prePostTasksConcatenateAndFqcnMapsToRegistryName() throws Exception {
    Play p =
        load("- hosts: all\n  post_tasks:\n    - ansible.builtin.shell: c\n  tasks:\n    - command: b\n"
                + "  pre_tasks:\n    - ansible.legacy.command: a\n")
            .plays()
            .get(0);
    assertThat(p.tasks().stream().map(t -> ((ModuleTask) t).args().get("_raw_params")))
        .containsExactly("a", "b", "c");
    assertThat(p.tasks().stream().map(t -> ((ModuleTask) t).module()))
        .containsExactly("command", "command", "shell");
  }
}

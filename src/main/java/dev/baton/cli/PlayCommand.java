package dev.baton.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton play}: run a playbook, as {@code ansible-playbook} does. */
@Command(
    name = "play",
    mixinStandardHelpOptions = true,
    description = "Run a playbook against the hosts of an inventory.")
final class PlayCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "The playbook file.")
  Path playbook;

  @Option(
      names = {"-i", "--inventory"},
      paramLabel = "FILE",
      description = "Inventory file (INI or YAML); repeatable. Default: $BATON_INVENTORY.")
  List<String> inventories = new ArrayList<>();

  @Option(
      names = {"-l", "--limit"},
      paramLabel = "PATTERN",
      description = "Further limit the hosts (a:b, a:&b, a:!b, globs).")
  String limit;

  @Option(
      names = {"-f", "--forks"},
      description = "Hosts worked on at once (default: ${DEFAULT-VALUE}).")
  int forks = 10;

  @Option(
      names = {"-C", "--check"},
      description = "Dry run: report what would change, change nothing.")
  boolean check;

  @Option(
      names = {"-t", "--tags"},
      split = ",",
      description = "Run only tasks with these tags.")
  Set<String> tags = new LinkedHashSet<>();

  @Option(names = "--skip-tags", split = ",", description = "Skip tasks with these tags.")
  Set<String> skipTags = new LinkedHashSet<>();

  @Option(
      names = {"-e", "--extra-vars"},
      paramLabel = "VARS",
      description = "key=value pairs, a YAML/JSON map, or @file; highest precedence. Repeatable.")
  List<String> extraVars = new ArrayList<>();

  @Option(names = "--list-hosts", description = "List the hosts each play would run on, and stop.")
  boolean listHosts;

  @Option(names = "--list-tasks", description = "List the tasks of each play, and stop.")
  boolean listTasks;

  @Option(names = "--syntax-check", description = "Validate the playbook, and stop.")
  boolean syntaxCheck;

  @Option(
      names = {"-u", "--user"},
      paramLabel = "USER",
      description = "Log in as USER where the inventory sets no ansible_user.")
  String user;

  @Option(
      names = "--private-key",
      paramLabel = "FILE",
      description = "SSH key where the inventory sets no ansible_ssh_private_key_file.")
  String privateKey;

  @Option(
      names = {"-b", "--become"},
      description = "Become (sudo) where no play, block or task says otherwise.")
  boolean become;

  @Option(
      names = "--become-user",
      paramLabel = "USER",
      description = "The user to become where no play, block or task names one.")
  String becomeUser;

  @Mixin RunOutput output;

  @Mixin VaultOptions vault;

  /** The command line's connection settings, stored with the run for its resume. */
  private Map<String, String> connection() {
    Map<String, String> c = new LinkedHashMap<>();
    if (user != null) {
      c.put("user", user);
    }
    if (privateKey != null) {
      c.put("private_key", Path.of(privateKey).toAbsolutePath().toString());
    }
    if (become) {
      c.put("become", "true");
    }
    if (becomeUser != null) {
      c.put("become_user", becomeUser);
    }
    return c;
  }

  @Override
  public Integer call() throws Exception {
    vault.install();
    List<String> inv = new ArrayList<>(inventories);
    if (inv.isEmpty() && System.getenv("BATON_INVENTORY") != null) {
      inv.add(System.getenv("BATON_INVENTORY"));
    }
    RunRequest request =
        new RunRequest(
            playbook.toString(),
            inv,
            limit,
            List.copyOf(tags),
            List.copyOf(skipTags),
            extraVars,
            forks,
            check,
            null,
            connection());
    Launcher launcher = new Launcher(output, System.out, System.err);
    if (syntaxCheck || listHosts || listTasks) {
      return launcher.inspect(request, syntaxCheck, listHosts, listTasks);
    }
    return launcher.run(request);
  }
}

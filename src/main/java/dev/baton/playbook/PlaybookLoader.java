package dev.baton.playbook;

import dev.baton.core.AnsibleBool;
import dev.baton.core.Mark;
import dev.baton.modules.ArgSpec;
import dev.baton.modules.Module;
import dev.baton.modules.ModuleRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a playbook and validates all of it (keywords, types, module names, module arguments) before
 * anything connects. The first problem found is thrown as a {@link PlaybookException} whose message
 * starts with {@code file:line:col}.
 */
public final class PlaybookLoader {

  static final Set<String> PLAY_KEYWORDS =
      Set.of(
          "name",
          "hosts",
          "vars",
          "vars_files",
          "serial",
          "max_fail_percentage",
          "any_errors_fatal",
          "become",
          "become_user",
          "gather_facts",
          "pre_tasks",
          "tasks",
          "post_tasks",
          "tags",
          "environment",
          "handlers",
          "roles");

  static final Set<String> TASK_KEYWORDS =
      Set.of(
          "name",
          "register",
          "when",
          "failed_when",
          "changed_when",
          "until",
          "retries",
          "delay",
          "ignore_errors",
          "delegate_to",
          "run_once",
          "no_log",
          "tags",
          "timeout",
          "become",
          "become_user",
          "vars",
          "environment",
          "args",
          "loop",
          "with_items",
          "with_list",
          "with_dict",
          "loop_control",
          "notify",
          "listen");

  /** Task keywords a block passes on to its tasks; the others only make sense on one task. */
  static final Set<String> BLOCK_KEYWORDS =
      Set.of(
          "name",
          "when",
          "ignore_errors",
          "delegate_to",
          "run_once",
          "no_log",
          "tags",
          "timeout",
          "become",
          "become_user",
          "vars",
          "environment",
          "block",
          "rescue",
          "always");

  /** What a role invocation may say besides its name; its other keys are the role's params. */
  static final Set<String> ROLE_KEYWORDS =
      Set.of(
          "when",
          "tags",
          "become",
          "become_user",
          "environment",
          "ignore_errors",
          "no_log",
          "delegate_to",
          "run_once",
          "timeout",
          "vars");

  private static final Map<String, String> UNSUPPORTED_PLAY_KEYS =
      Map.of(
          "import_playbook",
          "'import_playbook' is a playbook entry of its own ('- import_playbook: file.yml'),"
              + " not a keyword of a play",
          "remote_user",
          "'remote_user' is not supported by baton; set ansible_user in the inventory or"
              + " with -e ansible_user=NAME",
          "connection",
          "'connection' is not supported by baton; set ansible_connection (ssh or local) in"
              + " the inventory; hosts: localhost runs locally");

  /** Ansible task keywords baton knows but does not implement, with what to do instead. */
  private static final Map<String, String> UNSUPPORTED_TASK_KEYS =
      Map.ofEntries(
          Map.entry("with_fileglob", "use loop with a list"),
          Map.entry(
              "with_sequence", "use loop with range(), e.g. loop: \"{{ range(1, 4) | list }}\""),
          Map.entry("with_nested", "use loop with a list of lists"),
          Map.entry("with_together", "use loop with zip()"),
          Map.entry("with_subelements", "use loop with subelements"),
          Map.entry("check_mode", "use --check for the whole run"),
          Map.entry("async", "tasks run to the end, bounded by 'timeout'"),
          Map.entry("poll", "tasks run to the end, bounded by 'timeout'"),
          Map.entry("local_action", "write the module as a task with delegate_to: localhost"),
          Map.entry("become_method", "baton becomes another user with sudo"),
          Map.entry("include_tasks", "use import_tasks (read before the run)"),
          Map.entry("include_role", "list the role under the play's 'roles:'"),
          Map.entry(
              "remote_user", "set ansible_user in the inventory or with -e ansible_user=NAME"),
          Map.entry("connection", "set ansible_connection (ssh or local) in the inventory"));

  private static final List<String> FQCN_PREFIXES = List.of("ansible.builtin.", "ansible.legacy.");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern SERIAL = Pattern.compile("[0-9]+(\\.[0-9]+)?%?");

  public PlaybookLoader() {}

  /** Parses and validates {@code file} against the modules the run knows. */
  public Playbook load(Path file, ModuleRegistry modules) throws PlaybookException {
    YamlSource src = YamlSource.read(file);
    return new Parse(src, modules).playbook(file);
  }

  /** The registry name of a module as written in a task ({@code ansible.builtin.command}). */
  static String moduleName(String written) {
    for (String prefix : FQCN_PREFIXES) {
      if (written.startsWith(prefix)) {
        return written.substring(prefix.length());
      }
    }
    return written;
  }

  static boolean isTemplated(Object value) {
    return value instanceof String s && (s.contains("{{") || s.contains("{%"));
  }

  /** One parse of one file; holds the source for marks and the registry for module checks. */
  private static final class Parse {
    private final YamlSource src;
    private final ModuleRegistry modules;

    /** The handler names notified in the play being read, and where, for the check at its end. */
    private final List<Map.Entry<String, Mark>> notified;

    /**
     * The playbook, then the task files being imported, outermost first: a file importing itself is
     * a cycle, and the first is the playbook whose directory import_tasks searches last.
     */
    private final List<Path> importing;

    /** The playbooks being imported, outermost first, for import_playbook's own cycle check. */
    private final List<Path> playbooks;

    /** {@code "web : "} in the files of role web: its tasks are named so, as Ansible shows them. */
    private final String rolePrefix;

    /** The roles of the play being read, shared by the parses of its role files. */
    private final PlayRoles playRoles;

    Parse(YamlSource src, ModuleRegistry modules) {
      this(src, modules, List.of());
    }

    private Parse(YamlSource src, ModuleRegistry modules, List<Path> outerPlaybooks) {
      this(
          src,
          modules,
          new ArrayList<>(),
          List.of(Path.of(src.file()).toAbsolutePath()),
          append(outerPlaybooks, Path.of(src.file()).toAbsolutePath()));
    }

    private Parse(
        YamlSource src,
        ModuleRegistry modules,
        List<Map.Entry<String, Mark>> notified,
        List<Path> importing,
        List<Path> playbooks) {
      this(src, modules, notified, importing, playbooks, "", new PlayRoles());
    }

    private Parse(
        YamlSource src,
        ModuleRegistry modules,
        List<Map.Entry<String, Mark>> notified,
        List<Path> importing,
        List<Path> playbooks,
        String rolePrefix,
        PlayRoles playRoles) {
      this.src = src;
      this.modules = modules;
      this.notified = notified;
      this.importing = importing;
      this.playbooks = playbooks;
      this.rolePrefix = rolePrefix;
      this.playRoles = playRoles;
    }

    private static List<Path> append(List<Path> list, Path p) {
      List<Path> out = new ArrayList<>(list);
      out.add(p);
      return List.copyOf(out);
    }

    Playbook playbook(Path file) throws PlaybookException {
      return new Playbook(file, plays());
    }

    private List<Play> plays() throws PlaybookException {
      Node root = src.root();
      if (root == null || YamlSource.isNull(root)) {
        throw src.error(new Mark(src.file(), 1, 1), "playbook is empty; expected a list of plays");
      }
      if (!(root instanceof SequenceNode seq)) {
        throw src.error(root, "a playbook is a list of plays, got " + describe(root));
      }
      List<Play> plays = new ArrayList<>();
      for (Node item : seq.getValue()) {
        if (item instanceof MappingNode m && importsPlaybook(m)) {
          plays.addAll(importPlaybook(m));
        } else {
          plays.add(play(item));
        }
      }
      if (plays.isEmpty()) {
        throw src.error(root, "playbook has no plays");
      }
      return plays;
    }

    private boolean importsPlaybook(MappingNode m) throws PlaybookException {
      for (NodeTuple t : src.entries(m)) {
        if (moduleName(src.key(t.getKeyNode())).equals("import_playbook")) {
          return true;
        }
      }
      return false;
    }

    /**
     * {@code - import_playbook: file}: the file's plays in its place, read now (static, as in
     * Ansible), found relative to the importing playbook. Each play keeps its own directory (its
     * playbook_dir, vars_files, templates); the import's {@code vars} override the plays' vars and
     * its {@code tags} are added to theirs, as ansible-core's PlaybookInclude does.
     */
    private List<Play> importPlaybook(MappingNode m) throws PlaybookException {
      Node fileNode = null;
      Map<String, Object> vars = Map.of();
      Set<String> tags = Set.of();
      for (NodeTuple t : src.entries(m)) {
        String key = src.key(t.getKeyNode());
        Node v = t.getValueNode();
        switch (moduleName(key)) {
          case "import_playbook" -> fileNode = v;
          case "name" -> string(v, key);
          case "vars" -> vars = mapValue(v, key);
          case "tags" -> tags = tags(v);
          case "when" ->
              throw src.error(
                  t.getKeyNode(),
                  "'when' on import_playbook is not supported by baton; put the condition on the"
                      + " imported plays' tasks");
          default ->
              throw src.error(
                  t.getKeyNode(),
                  "'"
                      + key
                      + "' cannot be used with import_playbook"
                      + Suggest.hint(key, Set.of("name", "vars", "tags")));
        }
      }
      String file = string(fileNode, "import_playbook");
      if (file == null || file.isBlank()) {
        throw src.error(fileNode, "import_playbook needs the file name of a playbook");
      }
      if (isTemplated(file)) {
        throw src.error(
            fileNode,
            "import_playbook needs a file name without templates (baton reads it before the"
                + " run)");
      }
      if (file.strip().contains(" ")) {
        throw src.error(
            fileNode,
            "import_playbook takes only a file name; give the imported plays variables with"
                + " 'vars:'");
      }
      Path path =
          Path.of(src.file()).toAbsolutePath().getParent().resolve(file.strip()).normalize();
      if (!java.nio.file.Files.isRegularFile(path)) {
        throw src.error(fileNode, "import_playbook: no such file " + path);
      }
      if (playbooks.contains(path)) {
        throw src.error(
            fileNode, "import_playbook: " + path + " imports itself (through " + playbooks + ")");
      }
      List<Play> out = new ArrayList<>();
      for (Play p : new Parse(YamlSource.read(path), modules, playbooks).plays()) {
        out.add(p.imported(vars, tags));
      }
      return out;
    }

    private Play play(Node node) throws PlaybookException {
      MappingNode m = mapping(node, "a play");
      String name = null;
      String hosts = null;
      Map<String, Object> vars = Map.of();
      List<String> varsFiles = List.of();
      List<String> serial = List.of();
      Integer maxFail = null;
      boolean anyErrorsFatal = false;
      Boolean become = null;
      String becomeUser = null;
      Set<String> tags = Set.of();
      Map<String, Object> environment = Map.of();
      List<Task> pre = List.of();
      List<Task> tasks = List.of();
      List<Task> post = List.of();
      List<Handler> handlers = List.of();
      Node rolesNode = null;
      ModuleTask gather = null;
      notified.clear();
      playRoles.clear();
      for (NodeTuple t : src.entries(m)) {
        String key = src.key(t.getKeyNode());
        Node v = t.getValueNode();
        switch (key) {
          case "name" -> name = string(v, key);
          case "hosts" -> hosts = hosts(v);
          case "vars" -> vars = mapValue(v, key);
          case "vars_files" -> varsFiles = stringList(v, key);
          case "serial" -> serial = serial(v);
          case "max_fail_percentage" -> maxFail = percentage(v, key);
          case "any_errors_fatal" -> anyErrorsFatal = Boolean.TRUE.equals(bool(v, key));
          case "become" -> become = bool(v, key);
          case "become_user" -> becomeUser = string(v, key);
          case "gather_facts" -> {
            if (Boolean.TRUE.equals(bool(v, key))) {
              gather = gatherFacts(v);
            }
          }
          case "handlers" -> handlers = handlers(v);
          case "roles" -> rolesNode = v;
          case "pre_tasks" -> pre = tasks(v, key);
          case "tasks" -> tasks = tasks(v, key);
          case "post_tasks" -> post = tasks(v, key);
          case "tags" -> tags = tags(v);
          case "environment" -> environment = mapValue(v, key);
          default -> {
            String unsupported = UNSUPPORTED_PLAY_KEYS.get(key);
            if (unsupported != null) {
              throw src.error(t.getKeyNode(), unsupported);
            }
            throw src.error(
                t.getKeyNode(),
                "unknown keyword '" + key + "' in play" + Suggest.hint(key, PLAY_KEYWORDS));
          }
        }
      }
      if (hosts == null) {
        throw src.error(node, "play has no 'hosts'; say which hosts or groups it runs on");
      }
      List<Task> roleBlocks = rolesNode == null ? List.of() : roles(rolesNode);
      if (!playRoles.handlers.isEmpty() || !playRoles.imported.isEmpty()) {
        // As ansible-core puts them together: the roles' handlers, the play's, import_role's;
        // each file a group, numbered in that order (a name runs the last group's handler).
        List<Handler> all = new ArrayList<>(playRoles.handlers);
        for (Handler h : handlers) {
          all.add(h.inGroup(-1));
        }
        all.addAll(playRoles.imported);
        Map<Integer, Integer> renumbered = new LinkedHashMap<>();
        handlers = new ArrayList<>();
        for (Handler h : all) {
          handlers.add(h.inGroup(renumbered.computeIfAbsent(h.group(), g -> renumbered.size())));
        }
      }
      for (List<Task> section : List.of(pre, roleBlocks, tasks, post)) {
        for (Task t : section) {
          for (Task each : t.flatten()) {
            if (!each.options().listen().isEmpty()) {
              throw src.error(each.mark(), "'listen' is for the tasks of 'handlers'");
            }
          }
        }
      }
      for (Map.Entry<String, Mark> n : notified) {
        if (handlers.stream().noneMatch(h -> h.answers(n.getKey()))) {
          throw src.error(
              n.getValue(),
              "notify: no handler of this play is named or listens to '" + n.getKey() + "'");
        }
      }
      if (gather != null) {
        List<Task> withFacts = new ArrayList<>();
        withFacts.add(gather);
        withFacts.addAll(pre);
        pre = withFacts;
      }
      List<Task> all = new ArrayList<>(pre);
      all.addAll(roleBlocks);
      all.addAll(tasks);
      all.addAll(post);
      int main = roleBlocks.size() + tasks.size();
      List<Integer> flushAfter =
          handlers.isEmpty()
              ? List.of()
              : java.util.stream.Stream.of(pre.size() - 1, pre.size() + main - 1)
                  .filter(i -> i >= 0)
                  .distinct()
                  .toList();
      return new Play(
          name == null ? hosts : name,
          hosts,
          vars,
          varsFiles,
          serial,
          maxFail,
          anyErrorsFatal,
          become,
          becomeUser,
          all,
          src.mark(node),
          tags,
          environment,
          handlers,
          flushAfter,
          playRoles.direct);
    }

    /**
     * {@code gather_facts: true}: a first task "Gathering Facts" that runs Ansible's setup module
     * (packed, from the jump host's ansible-core) whatever the tags, as ansible-playbook does.
     */
    private ModuleTask gatherFacts(Node at) throws PlaybookException {
      Optional<Module> setup = modules.find("setup");
      if (setup.isEmpty()) {
        throw src.error(
            at,
            "gather_facts: true runs Ansible's setup module: "
                + modules.whyNot("setup").orElse("it is not installed on the jump host"));
      }
      TaskOptions o = TaskOptions.NONE;
      TaskOptions always =
          new TaskOptions(
              o.register(),
              o.when(),
              o.failedWhen(),
              o.changedWhen(),
              o.until(),
              o.retries(),
              o.delaySeconds(),
              o.ignoreErrors(),
              o.delegateTo(),
              o.runOnce(),
              o.noLog(),
              Set.of("always"),
              o.timeoutSeconds(),
              o.become(),
              o.becomeUser(),
              o.vars(),
              o.environment(),
              o.loop(),
              o.notifies(),
              o.listen());
      return new ModuleTask("Gathering Facts", "setup", Map.of(), Map.of(), always, src.mark(at));
    }

    /** A play's {@code roles:}: one block per role run, in order (a repeated one runs once). */
    private List<Task> roles(Node node) throws PlaybookException {
      if (YamlSource.isNull(node)) {
        return List.of();
      }
      if (!(node instanceof SequenceNode seq)) {
        throw src.error(node, "'roles' must be a list of roles, got " + describe(node));
      }
      List<Task> out = new ArrayList<>();
      for (Node item : seq.getValue()) {
        RoleRun run = role(item, List.of());
        playRoles.direct.add(run.role());
        if (run.block() != null) {
          out.add(run.block());
        }
      }
      return out;
    }

    /** A role read, and its block (null when the same invocation already ran in this play). */
    private record RoleRun(Role role, Block block) {}

    /**
     * One role invocation ({@code web}, or {@code {role: web, when: ..., port: 80}}): its directory
     * found as ansible-core searches, its dependencies read first, its tasks and handlers read with
     * the role's name before theirs. {@code parents}: the roles that depend on this one.
     */
    private RoleRun role(Node item, List<Role> parents) throws PlaybookException {
      String name;
      Node nameNode = item;
      Map<String, Node> optionNodes = new LinkedHashMap<>();
      Map<String, Object> params = new LinkedHashMap<>();
      Map<String, Object> vars = Map.of();
      if (item instanceof ScalarNode) {
        name = string(item, "role");
      } else {
        MappingNode m = mapping(item, "a role");
        name = null;
        for (NodeTuple t : src.entries(m)) {
          String key = src.key(t.getKeyNode());
          Node v = t.getValueNode();
          if (key.equals("role") || (key.equals("name") && name == null)) {
            name = string(v, key);
            nameNode = v;
          } else if (key.equals("vars")) {
            vars = mapValue(v, key);
          } else if (ROLE_KEYWORDS.contains(key)) {
            optionNodes.put(key, v);
          } else {
            params.put(key, src.value(v));
          }
        }
      }
      if (name == null || name.isBlank()) {
        throw src.error(item, "a role needs its name ('- role: NAME' or '- NAME')");
      }
      return roleRun(
          item, name, nameNode, optionNodes, params, vars, Map.of(), false, false, parents);
    }

    /**
     * Reads one role run. {@code from}: the files import_role's {@code tasks_from} and the like
     * name instead of main ({@code tasks} to {@code other} reads tasks/other.yml); {@code
     * duplicates}: whether the same run may run again (import_role's default).
     */
    private RoleRun roleRun(
        Node item,
        String name,
        Node nameNode,
        Map<String, Node> optionNodes,
        Map<String, Object> params,
        Map<String, Object> vars,
        Map<String, String> from,
        boolean duplicates,
        boolean imported,
        List<Role> parents)
        throws PlaybookException {
      if (isTemplated(name)) {
        throw src.error(
            nameNode, "a role's name cannot be templated (baton reads roles before the run)");
      }
      Path dir = findRole(name, nameNode, parents);
      for (Role p : parents) {
        if (p.dir().equals(dir)) {
          throw src.error(
              nameNode,
              "role "
                  + name
                  + " depends on itself (through "
                  + parents.stream().map(Role::name).toList()
                  + ")");
        }
      }
      if (java.nio.file.Files.exists(dir.resolve("meta/argument_specs.yml"))
          || java.nio.file.Files.exists(dir.resolve("meta/argument_specs.yaml"))) {
        throw src.error(
            nameNode,
            "role "
                + name
                + " has meta/argument_specs: role argument validation is not supported by baton");
      }
      Optional<Path> meta = main(dir.resolve("meta"));
      List<Node> depNodes = new ArrayList<>();
      boolean allowDuplicates = duplicates;
      // meta/main.yml is read by a parse of its own, so its errors (and its dependencies') point
      // into it.
      Parse metaParse =
          meta.isEmpty()
              ? null
              : new Parse(
                  YamlSource.read(meta.get()),
                  modules,
                  notified,
                  List.of(meta.get()),
                  playbooks,
                  "",
                  playRoles);
      Node metaRoot = metaParse == null ? null : metaParse.src.root();
      if (metaRoot != null && !YamlSource.isNull(metaRoot)) {
        YamlSource ms = metaParse.src;
        if (!(metaRoot instanceof MappingNode mm)) {
          throw ms.error(
              metaRoot, "a role's meta/main.yml is a mapping, got " + describe(metaRoot));
        }
        for (NodeTuple t : ms.entries(mm)) {
          String key = ms.key(t.getKeyNode());
          Node v = t.getValueNode();
          switch (key) {
            case "dependencies" -> {
              if (v instanceof SequenceNode ds) {
                depNodes.addAll(ds.getValue());
              } else if (!YamlSource.isNull(v)) {
                throw ms.error(v, "'dependencies' must be a list of roles, got " + describe(v));
              }
            }
            case "allow_duplicates" ->
                allowDuplicates = Boolean.TRUE.equals(metaParse.bool(v, key));
            case "galaxy_info", "collections" -> {}
            case "argument_specs" ->
                throw ms.error(
                    t.getKeyNode(),
                    "role argument validation (argument_specs) is not supported by baton");
            default ->
                throw ms.error(
                    t.getKeyNode(),
                    "unknown key '"
                        + key
                        + "' in a role's meta/main.yml (dependencies, allow_duplicates,"
                        + " galaxy_info)");
          }
        }
      }
      TaskOptions options = options(optionNodes);
      Role shell =
          new Role(
              name,
              dir,
              params,
              vars,
              file(dir, "defaults", from, nameNode),
              file(dir, "vars", from, nameNode),
              List.of());
      List<Role> chain = new ArrayList<>(parents);
      chain.add(shell);
      playRoles.options.put(shell, options);
      List<Role> deps = new ArrayList<>();
      List<Task> body = new ArrayList<>();
      for (Node d : depNodes) {
        RoleRun dep = metaParse.role(d, chain);
        deps.add(dep.role());
        if (dep.block() != null) {
          body.add(dep.block());
        }
      }
      Role role = new Role(name, dir, params, vars, shell.defaultsFile(), shell.varsFile(), deps);
      playRoles.options.put(role, options);
      if (!allowDuplicates && !playRoles.seen.add(List.of(role, options.when(), options.tags()))) {
        return new RoleRun(role, null);
      }
      List<Role> handlerChain = new ArrayList<>(parents);
      handlerChain.add(role);
      String prefix = name.contains("/") ? Path.of(name).getFileName() + " : " : name + " : ";
      Optional<Path> tasksFile = file(dir, "tasks", from, nameNode);
      if (tasksFile.isPresent()) {
        Parse inner = roleFile(tasksFile.get(), prefix);
        Node root = inner.src.root();
        if (root != null && !YamlSource.isNull(root)) {
          body.addAll(inner.tasks(root, "tasks"));
        }
      }
      Optional<Path> handlersFile = file(dir, "handlers", from, nameNode);
      if (handlersFile.isPresent()) {
        Parse inner = roleFile(handlersFile.get(), prefix);
        Node root = inner.src.root();
        if (root != null && !YamlSource.isNull(root)) {
          int group = playRoles.groups++;
          for (Handler h : inner.handlers(root)) {
            (from.isEmpty() && !duplicates ? playRoles.handlers : playRoles.imported)
                .add(
                    new Handler(
                        h.task(), h.listen(), handlerChain, optionChain(parents, options), group));
          }
        }
      }
      return new RoleRun(
          role,
          new Block("role " + name, body, List.of(), List.of(), options, src.mark(item), role));
    }

    private List<TaskOptions> optionChain(List<Role> parents, TaskOptions own) {
      List<TaskOptions> out = new ArrayList<>();
      for (Role p : parents) {
        out.add(playRoles.options.getOrDefault(p, TaskOptions.NONE));
      }
      out.add(own);
      return out;
    }

    private Parse roleFile(Path file, String prefix) throws PlaybookException {
      return new Parse(
          YamlSource.read(file), modules, notified, List.of(file), playbooks, prefix, playRoles);
    }

    /** The role's {@code kind} file: the one {@code from} names (it must exist), else main. */
    private Optional<Path> file(Path dir, String kind, Map<String, String> from, Node at)
        throws PlaybookException {
      String named = from.get(kind);
      if (named == null) {
        return main(dir.resolve(kind));
      }
      for (String n : List.of(named, named + ".yml", named + ".yaml")) {
        Path p = dir.resolve(kind).resolve(n);
        if (java.nio.file.Files.isRegularFile(p)) {
          return Optional.of(p);
        }
      }
      throw src.error(
          at, kind + "_from: no file " + named + " (.yml, .yaml) in " + dir.resolve(kind));
    }

    /**
     * {@code import_role: {name: web, tasks_from: ..., vars_from: ..., defaults_from: ...,
     * handlers_from: ..., allow_duplicates: ...}}: the role read now (static, as in Ansible), its
     * tasks in place as a block with the import's keywords; its defaults and vars join the play's
     * roles' (seen by the whole play), its handlers come after the play's.
     */
    private Block importRole(Node node, MappingNode m) throws PlaybookException {
      Map<String, Node> optionNodes = new LinkedHashMap<>();
      Node argsNode = importEntries(m, "import_role", optionNodes);
      MappingNode args = mapping(argsNode, "import_role's arguments");
      String name = null;
      Node nameNode = argsNode;
      Map<String, String> from = new LinkedHashMap<>();
      boolean duplicates = true;
      for (NodeTuple t : src.entries(args)) {
        String key = src.key(t.getKeyNode());
        Node v = t.getValueNode();
        switch (key) {
          case "name" -> {
            name = string(v, key);
            nameNode = v;
          }
          case "tasks_from", "vars_from", "defaults_from", "handlers_from" -> {
            String f = string(v, key);
            if (f == null || isTemplated(f)) {
              throw src.error(v, key + " needs a file name without templates");
            }
            from.put(
                key.substring(0, key.length() - "_from".length()),
                Path.of(f).getFileName().toString());
          }
          case "allow_duplicates" -> duplicates = Boolean.TRUE.equals(bool(v, key));
          case "rolespec_validate" -> {}
          default ->
              throw src.error(
                  t.getKeyNode(),
                  "unknown argument '"
                      + key
                      + "' of import_role"
                      + Suggest.hint(
                          key,
                          Set.of(
                              "name",
                              "tasks_from",
                              "vars_from",
                              "defaults_from",
                              "handlers_from",
                              "allow_duplicates")));
        }
      }
      if (name == null || name.isBlank()) {
        throw src.error(argsNode, "import_role needs the role's name ('name: ROLE')");
      }
      // As ansible-core (IncludeRole: ri.vars |= self.vars): the import's vars are the role run's
      // vars, so like a role's they are seen by the whole play.
      Node varsNode = optionNodes.remove("vars");
      Map<String, Object> vars = varsNode == null ? Map.of() : mapValue(varsNode, "vars");
      RoleRun run =
          roleRun(
              node, name, nameNode, optionNodes, Map.of(), vars, from, duplicates, true, List.of());
      playRoles.direct.add(run.role());
      Block b = run.block();
      if (b == null) {
        return new Block(
            "role " + name, List.of(), List.of(), List.of(), TaskOptions.NONE, src.mark(node));
      }
      return b;
    }

    /** {@code DIR/main.yml}, {@code main.yaml} or {@code main}, as ansible-core looks for them. */
    private static Optional<Path> main(Path dir) {
      for (String n : List.of("main.yml", "main.yaml", "main")) {
        if (java.nio.file.Files.isRegularFile(dir.resolve(n))) {
          return Optional.of(dir.resolve(n));
        }
      }
      return Optional.empty();
    }

    /**
     * A role's directory, searched as ansible-core 2.14 searches: {@code roles/} beside the
     * playbook, then $ANSIBLE_ROLES_PATH (else ~/.ansible/roles, /usr/share/ansible/roles,
     * /etc/ansible/roles), then beside the role that depends on it, then beside the playbook. A
     * name with a slash is a path.
     */
    private Path findRole(String name, Node at, List<Role> parents) throws PlaybookException {
      Path playbookDir = playbooks.get(playbooks.size() - 1).getParent();
      List<Path> candidates = new ArrayList<>();
      if (name.contains("/")) {
        candidates.add(playbookDir.resolve(name));
      } else {
        candidates.add(playbookDir.resolve("roles").resolve(name));
        String env = System.getenv("ANSIBLE_ROLES_PATH");
        List<String> rolesPath =
            env != null && !env.isBlank()
                ? List.of(env.split(":"))
                : List.of(
                    System.getProperty("user.home") + "/.ansible/roles",
                    "/usr/share/ansible/roles",
                    "/etc/ansible/roles");
        for (String r : rolesPath) {
          if (!r.isBlank()) {
            candidates.add(
                Path.of(r.replaceFirst("^~", System.getProperty("user.home"))).resolve(name));
          }
        }
        if (!parents.isEmpty()) {
          candidates.add(parents.get(parents.size() - 1).dir().getParent().resolve(name));
        }
        candidates.add(playbookDir.resolve(name));
      }
      for (Path c : candidates) {
        if (java.nio.file.Files.isDirectory(c)) {
          return c.toAbsolutePath().normalize();
        }
      }
      throw src.error(
          at,
          "role '"
              + name
              + "' not found (looked in "
              + String.join(", ", candidates.stream().map(Path::toString).distinct().toList())
              + ")");
    }

    /** A play's {@code handlers}: tasks with a name (what notify names) or a listen topic. */
    private List<Handler> handlers(Node node) throws PlaybookException {
      List<Handler> out = new ArrayList<>();
      for (Task t : tasks(node, "handlers")) {
        if (!(t instanceof ModuleTask mt)) {
          throw src.error(t.mark(), "a handler is one task, not a block");
        }
        out.add(new Handler(mt, mt.options().listen()));
      }
      return out;
    }

    private List<Task> tasks(Node node, String key) throws PlaybookException {
      if (YamlSource.isNull(node)) {
        return List.of();
      }
      if (!(node instanceof SequenceNode seq)) {
        throw src.error(node, "'" + key + "' must be a list of tasks, got " + describe(node));
      }
      List<Task> out = new ArrayList<>();
      for (Node item : seq.getValue()) {
        out.add(task(item));
      }
      return out;
    }

    private Task task(Node node) throws PlaybookException {
      MappingNode m = mapping(node, "a task");
      for (NodeTuple t : src.entries(m)) {
        if (moduleName(src.key(t.getKeyNode())).equals("import_tasks")) {
          return importTasks(node, m);
        }
        if (moduleName(src.key(t.getKeyNode())).equals("import_role")) {
          return importRole(node, m);
        }
      }
      for (NodeTuple t : src.entries(m)) {
        if (src.key(t.getKeyNode()).equals("block")) {
          return block(node, m);
        }
      }
      for (NodeTuple t : src.entries(m)) {
        String key = src.key(t.getKeyNode());
        if (key.equals("rescue") || key.equals("always")) {
          throw src.error(t.getKeyNode(), "'" + key + "' needs a 'block' in the same entry");
        }
      }
      return moduleTask(node, m);
    }

    /**
     * The entries of an {@code import_tasks} or {@code import_role} task: returns the action's
     * value and puts the keywords a block takes into {@code optionNodes}; any other key is refused.
     */
    private Node importEntries(MappingNode m, String action, Map<String, Node> optionNodes)
        throws PlaybookException {
      Node value = null;
      for (NodeTuple t : src.entries(m)) {
        String key = src.key(t.getKeyNode());
        Node v = t.getValueNode();
        if (moduleName(key).equals(action)) {
          value = v;
        } else if (BLOCK_KEYWORDS.contains(key)
            && !Set.of("block", "rescue", "always").contains(key)) {
          optionNodes.put(key, v);
        } else {
          throw src.error(
              t.getKeyNode(),
              "'" + key + "' cannot be used with " + action + Suggest.hint(key, BLOCK_KEYWORDS));
        }
      }
      return value;
    }

    /**
     * {@code import_tasks: file}: the file's tasks, read now (static, as in Ansible), as a block
     * whose keywords (when, tags, vars, become, ...) every imported task inherits. The file is
     * found beside the file that imports it, then beside the playbook.
     */
    private Block importTasks(Node node, MappingNode m) throws PlaybookException {
      Map<String, Node> optionNodes = new LinkedHashMap<>();
      Node fileNode = importEntries(m, "import_tasks", optionNodes);
      Node nameNode = optionNodes.remove("name");
      String name = nameNode == null ? null : string(nameNode, "name");
      String file = string(fileNode, "import_tasks");
      if (file == null || isTemplated(file)) {
        throw src.error(
            fileNode,
            "import_tasks needs a file name without templates (it is read before the run)");
      }
      Path here = Path.of(src.file()).toAbsolutePath().getParent();
      Path top = importing.get(0).getParent();
      Path path = Path.of(file).isAbsolute() ? Path.of(file) : here.resolve(file);
      if (!java.nio.file.Files.exists(path) && !Path.of(file).isAbsolute()) {
        path = top.resolve(file);
      }
      path = path.normalize();
      if (!java.nio.file.Files.isRegularFile(path)) {
        throw src.error(
            fileNode,
            "import_tasks: no such file "
                + file
                + " (looked in "
                + here
                + (here.equals(top) ? "" : " and " + top)
                + ")");
      }
      if (importing.contains(path)) {
        throw src.error(
            fileNode, "import_tasks: " + path + " imports itself (through " + importing + ")");
      }
      List<Path> chain = new ArrayList<>(importing);
      chain.add(path);
      Parse inner =
          new Parse(
              YamlSource.read(path), modules, notified, chain, playbooks, rolePrefix, playRoles);
      Node root = inner.src.root();
      List<Task> tasks =
          root == null || YamlSource.isNull(root) ? List.of() : inner.tasks(root, "import_tasks");
      return new Block(
          name == null ? "import_tasks: " + file : name,
          tasks,
          List.of(),
          List.of(),
          options(optionNodes),
          src.mark(node));
    }

    private Block block(Node node, MappingNode m) throws PlaybookException {
      List<Task> block = List.of();
      List<Task> rescue = List.of();
      List<Task> always = List.of();
      Map<String, Node> optionNodes = new LinkedHashMap<>();
      String name = null;
      for (NodeTuple t : src.entries(m)) {
        String key = src.key(t.getKeyNode());
        Node v = t.getValueNode();
        switch (key) {
          case "block" -> block = tasks(v, key);
          case "rescue" -> rescue = tasks(v, key);
          case "always" -> always = tasks(v, key);
          case "name" -> name = string(v, key);
          default -> {
            if (BLOCK_KEYWORDS.contains(key)) {
              optionNodes.put(key, v);
            } else if (TASK_KEYWORDS.contains(key)) {
              throw src.error(t.getKeyNode(), "'" + key + "' cannot be used on a block");
            } else if (modules.find(moduleName(key)).isPresent()) {
              throw src.error(
                  t.getKeyNode(),
                  "a block cannot call a module ('" + key + "'); put it in a task of the block");
            } else {
              throw src.error(
                  t.getKeyNode(),
                  "unknown keyword '" + key + "' in block" + Suggest.hint(key, BLOCK_KEYWORDS));
            }
          }
        }
      }
      return new Block(
          name == null ? "block" : name,
          block,
          rescue,
          always,
          options(optionNodes),
          src.mark(node));
    }

    private ModuleTask moduleTask(Node node, MappingNode m) throws PlaybookException {
      Map<String, Node> optionNodes = new LinkedHashMap<>();
      NodeTuple moduleTuple = null;
      Module module = null;
      boolean hasKnownModule = false;
      for (NodeTuple t : src.entries(m)) {
        String key = src.key(t.getKeyNode());
        if (!TASK_KEYWORDS.contains(key) && modules.find(moduleName(key)).isPresent()) {
          hasKnownModule = true;
        }
      }
      for (NodeTuple t : src.entries(m)) {
        String key = src.key(t.getKeyNode());
        if (TASK_KEYWORDS.contains(key)) {
          optionNodes.put(key, t.getValueNode());
          continue;
        }
        Optional<Module> found = modules.find(moduleName(key));
        if (found.isEmpty()) {
          throw unknownTaskKey(t.getKeyNode(), key, hasKnownModule);
        }
        if (moduleTuple != null) {
          throw src.error(
              t.getKeyNode(),
              "task has two modules, '"
                  + src.key(moduleTuple.getKeyNode())
                  + "' and '"
                  + key
                  + "'; a task calls exactly one module");
        }
        moduleTuple = t;
        module = found.get();
      }
      if (moduleTuple == null) {
        throw src.error(
            node, "task has no module; name one module (such as 'command') or a 'block'");
      }
      Map<String, Object> args = new LinkedHashMap<>();
      Map<String, Mark> argMarks = new LinkedHashMap<>();
      Map<String, Mark> keyMarks = new LinkedHashMap<>();
      moduleArgs(module, moduleTuple, args, argMarks, keyMarks);
      Node argsNode = optionNodes.remove("args");
      if (argsNode != null && !YamlSource.isNull(argsNode)) {
        if (!(argsNode instanceof MappingNode am)) {
          throw src.error(argsNode, "'args' must be a mapping, got " + describe(argsNode));
        }
        for (NodeTuple t : src.entries(am)) {
          String k = src.key(t.getKeyNode());
          if (!args.containsKey(k)) {
            args.put(k, src.value(t.getValueNode()));
            argMarks.put(k, src.mark(t.getValueNode()));
            keyMarks.put(k, src.mark(t.getKeyNode()));
          }
        }
      }
      validateArgs(module, args, argMarks, keyMarks, src.mark(moduleTuple.getKeyNode()));
      Node nameNode = optionNodes.remove("name");
      String name = nameNode == null ? null : string(nameNode, "name");
      return new ModuleTask(
          rolePrefix + (name == null ? module.name() : name),
          module.name(),
          args,
          argMarks,
          options(optionNodes),
          src.mark(node));
    }

    private PlaybookException unknownTaskKey(Node keyNode, String key, boolean hasKnownModule) {
      String unsupported = UNSUPPORTED_TASK_KEYS.get(moduleName(key));
      if (unsupported != null) {
        return src.error(keyNode, "'" + key + "' is not supported by baton; " + unsupported);
      }
      Optional<String> keyword = Suggest.closest(key, TASK_KEYWORDS);
      Optional<String> whyNot = modules.whyNot(moduleName(key));
      if (whyNot.isPresent() && !hasKnownModule && keyword.isEmpty()) {
        return src.error(keyNode, whyNot.get());
      }
      if (hasKnownModule || keyword.isPresent()) {
        return src.error(
            keyNode, "unknown keyword '" + key + "' in task" + Suggest.hint(key, TASK_KEYWORDS));
      }
      return src.error(
          keyNode, "unknown module '" + key + "'" + Suggest.hint(key, modules.names()));
    }

    /** Reads the module's value: a mapping, a free-form string, or {@code k=v} pairs. */
    private void moduleArgs(
        Module module,
        NodeTuple tuple,
        Map<String, Object> args,
        Map<String, Mark> argMarks,
        Map<String, Mark> keyMarks)
        throws PlaybookException {
      Node v = tuple.getValueNode();
      ArgSpec spec = module.args();
      if (YamlSource.isNull(v)) {
        return;
      }
      if (v instanceof MappingNode am) {
        for (NodeTuple t : src.entries(am)) {
          String k = src.key(t.getKeyNode());
          args.put(k, src.value(t.getValueNode()));
          argMarks.put(k, src.mark(t.getValueNode()));
          keyMarks.put(k, src.mark(t.getKeyNode()));
        }
        return;
      }
      if (!(v instanceof ScalarNode s)) {
        throw src.error(
            v,
            "arguments of module '"
                + module.name()
                + "' must be a mapping or a 'k=v' string, got "
                + describe(v));
      }
      Mark mark = src.mark(v);
      String text = String.valueOf(YamlSource.scalar(s));
      if (spec.freeForm()) {
        // As Ansible does for command/shell: k=v words naming a real parameter are options, the
        // rest is the free-form text, kept as written when no option was taken out of it. Text
        // that does not split (an apostrophe in prose) is all free-form; the shell judges it.
        List<String> rest = new ArrayList<>();
        boolean tookOption = false;
        for (String word : KeyValueArgs.splitOrEmpty(text)) {
          int eq = word.indexOf('=');
          String k = eq > 0 ? word.substring(0, eq) : "";
          if (eq > 0 && spec.params().containsKey(k) && !k.equals("_raw_params")) {
            args.put(k, KeyValueArgs.unquote(word.substring(eq + 1)));
            argMarks.put(k, mark);
            keyMarks.put(k, mark);
            tookOption = true;
          } else {
            rest.add(word);
          }
        }
        String raw = tookOption ? String.join(" ", rest) : text;
        if (!raw.isBlank()) {
          args.put("_raw_params", raw);
          argMarks.put("_raw_params", mark);
          keyMarks.put("_raw_params", mark);
        }
        return;
      }
      KeyValueArgs.Parsed parsed;
      try {
        parsed = KeyValueArgs.parse(text);
      } catch (KeyValueArgs.SyntaxError e) {
        throw src.error(
            v, "cannot parse arguments of module '" + module.name() + "': " + e.getMessage());
      }
      if (!parsed.words().isEmpty()) {
        throw src.error(
            v,
            "module '"
                + module.name()
                + "' takes key=value arguments; '"
                + parsed.words().get(0)
                + "' is not one");
      }
      for (Map.Entry<String, String> e : parsed.pairs().entrySet()) {
        args.put(e.getKey(), e.getValue());
        argMarks.put(e.getKey(), mark);
        keyMarks.put(e.getKey(), mark);
      }
    }

    private void validateArgs(
        Module module,
        Map<String, Object> args,
        Map<String, Mark> argMarks,
        Map<String, Mark> keyMarks,
        Mark moduleMark)
        throws PlaybookException {
      ArgSpec spec = module.args();
      if (spec.anyArgs()) {
        return;
      }
      if (module instanceof dev.baton.modules.Meta) {
        try {
          dev.baton.modules.Meta.action(args);
        } catch (IllegalArgumentException e) {
          throw src.error(moduleMark, e.getMessage());
        }
      }
      for (Map.Entry<String, Object> e : args.entrySet()) {
        String k = e.getKey();
        if (k.equals("_raw_params") && spec.freeForm()) {
          continue;
        }
        ArgSpec.Param param = spec.params().get(k);
        if (param == null) {
          List<String> known = new ArrayList<>(spec.params().keySet());
          throw src.error(
              keyMarks.get(k),
              "unknown argument '"
                  + k
                  + "' for module '"
                  + module.name()
                  + "'"
                  + Suggest.hint(k, known));
        }
        String problem = typeProblem(param.type(), e.getValue());
        if (problem != null) {
          throw src.error(
              argMarks.get(k), "argument '" + k + "' of module '" + module.name() + "' " + problem);
        }
      }
      for (Map.Entry<String, ArgSpec.Param> p : new java.util.TreeMap<>(spec.params()).entrySet()) {
        if (p.getValue().required() && !args.containsKey(p.getKey())) {
          throw src.error(
              moduleMark, "module '" + module.name() + "' requires argument '" + p.getKey() + "'");
        }
      }
      for (Set<String> group : spec.oneOfRequired()) {
        if (group.stream().noneMatch(args::containsKey)) {
          List<String> names = new ArrayList<>(new java.util.TreeSet<>(group));
          names.remove("_raw_params");
          String list = String.join("', '", names);
          String freeForm = group.contains("_raw_params") ? " or a free-form command" : "";
          throw src.error(
              moduleMark,
              "module '" + module.name() + "' requires one of '" + list + "'" + freeForm);
        }
      }
    }

    /**
     * Why a literal value does not fit the type, or null; templates are checked after rendering.
     */
    private static String typeProblem(ArgSpec.Type type, Object v) {
      if (v == null || isTemplated(v)) {
        return null;
      }
      return switch (type) {
        case ANY -> null;
        case STRING, PATH ->
            v instanceof List || v instanceof Map
                ? "must be a string, got " + describeValue(v)
                : null;
        case INT ->
            v instanceof Integer
                    || v instanceof Long
                    || v instanceof java.math.BigInteger
                    || (v instanceof String s && s.strip().matches("[-+]?[0-9]+"))
                ? null
                : "must be an integer, got " + describeValue(v);
        case BOOL ->
            AnsibleBool.parse(v) != null
                ? null
                : "must be a boolean (true/false), got " + describeValue(v);
        case LIST -> v instanceof Map ? "must be a list, got " + describeValue(v) : null;
        case MAP -> v instanceof Map ? null : "must be a mapping, got " + describeValue(v);
      };
    }

    private TaskOptions options(Map<String, Node> n) throws PlaybookException {
      return new TaskOptions(
          n.containsKey("register") ? register(n.get("register")) : null,
          conditions(n.get("when"), "when"),
          conditions(n.get("failed_when"), "failed_when"),
          conditions(n.get("changed_when"), "changed_when"),
          n.containsKey("until") ? condition(n.get("until"), "until") : null,
          integer(n.get("retries"), "retries"),
          integer(n.get("delay"), "delay"),
          bool(n.get("ignore_errors"), "ignore_errors"),
          string(n.get("delegate_to"), "delegate_to"),
          bool(n.get("run_once"), "run_once"),
          bool(n.get("no_log"), "no_log"),
          n.containsKey("tags") ? tags(n.get("tags")) : Set.of(),
          integer(n.get("timeout"), "timeout"),
          bool(n.get("become"), "become"),
          string(n.get("become_user"), "become_user"),
          mapValue(n.get("vars"), "vars"),
          mapValue(n.get("environment"), "environment"),
          loop(n),
          notify(n.get("notify")),
          n.containsKey("listen") ? stringOrList(n.get("listen"), "listen") : List.of());
    }

    /** {@code notify}: one handler or a list; each checked against the play's handlers later. */
    private List<String> notify(Node v) throws PlaybookException {
      if (v == null) {
        return List.of();
      }
      List<String> names = stringOrList(v, "notify");
      for (String n : names) {
        if (!n.contains("{{")) {
          notified.add(Map.entry(n, src.mark(v)));
        }
      }
      return names;
    }

    private List<String> stringOrList(Node v, String key) throws PlaybookException {
      if (v instanceof ScalarNode && !YamlSource.isNull(v)) {
        return List.of(string(v, key));
      }
      return stringList(v, key);
    }

    private static final List<String> LOOP_KEYWORDS =
        List.of("loop", "with_items", "with_list", "with_dict");
    private static final Set<String> LOOP_CONTROL =
        Set.of("loop_var", "index_var", "label", "pause", "extended");

    /** {@code loop} or one {@code with_*}, with its {@code loop_control}; null for none. */
    private Loop loop(Map<String, Node> n) throws PlaybookException {
      List<String> given = LOOP_KEYWORDS.stream().filter(n::containsKey).toList();
      Node control = n.get("loop_control");
      if (given.isEmpty()) {
        if (control != null) {
          throw src.error(control, "'loop_control' needs a 'loop' in the same task");
        }
        return null;
      }
      if (given.size() > 1) {
        throw src.error(
            n.get(given.get(1)),
            "a task has one loop, not both '" + given.get(0) + "' and '" + given.get(1) + "'");
      }
      String keyword = given.get(0);
      Node itemsNode = n.get(keyword);
      Object items = src.value(itemsNode);
      boolean dict = keyword.equals("with_dict");
      if (!(items instanceof String)
          && !(dict ? items instanceof Map : items instanceof List)
          && !(items == null && !dict)) {
        throw src.error(
            itemsNode,
            "'"
                + keyword
                + "' must be "
                + (dict ? "a mapping" : "a list")
                + " or a template, got "
                + describe(itemsNode));
      }
      String loopVar = "item";
      String indexVar = null;
      String label = null;
      double pause = 0;
      boolean extended = false;
      if (control != null && !YamlSource.isNull(control)) {
        if (!(control instanceof MappingNode cm)) {
          throw src.error(control, "'loop_control' must be a mapping, got " + describe(control));
        }
        for (NodeTuple t : src.entries(cm)) {
          String k = src.key(t.getKeyNode());
          Node v = t.getValueNode();
          switch (k) {
            case "loop_var" -> loopVar = identifier(v, "loop_var");
            case "index_var" -> indexVar = identifier(v, "index_var");
            case "label" -> label = string(v, "label");
            case "pause" -> {
              Integer seconds = integer(v, "pause");
              pause = seconds == null ? 0 : seconds;
            }
            case "extended" -> extended = Boolean.TRUE.equals(bool(v, "extended"));
            default ->
                throw src.error(
                    t.getKeyNode(),
                    "unknown key '" + k + "' in loop_control" + Suggest.hint(k, LOOP_CONTROL));
          }
        }
      }
      return new Loop(
          keyword, items, loopVar, indexVar, label, pause, extended, src.mark(itemsNode));
    }

    private String identifier(Node v, String key) throws PlaybookException {
      String name = string(v, key);
      if (name == null || !IDENTIFIER.matcher(name).matches()) {
        throw src.error(v, "'" + key + "' must be a variable name, got " + describe(v));
      }
      return name;
    }

    private String register(Node v) throws PlaybookException {
      String name = string(v, "register");
      if (name == null || !IDENTIFIER.matcher(name).matches()) {
        throw src.error(v, "'register' must be a variable name, got " + describe(v));
      }
      return name;
    }

    private List<String> conditions(Node v, String key) throws PlaybookException {
      if (v == null || YamlSource.isNull(v)) {
        return List.of();
      }
      if (v instanceof SequenceNode seq) {
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
          out.add(condition(item, key));
        }
        return out;
      }
      return List.of(condition(v, key));
    }

    private String condition(Node v, String key) throws PlaybookException {
      if (v instanceof ScalarNode s && !YamlSource.isNull(v)) {
        Object value = YamlSource.scalar(s);
        String text = String.valueOf(value).strip();
        // A condition is a bare expression; "{{ x }}" is accepted and unwrapped, as Ansible does.
        if (text.startsWith("{{") && text.endsWith("}}") && text.indexOf("{{", 2) < 0) {
          text = text.substring(2, text.length() - 2).strip();
        }
        if (value instanceof Boolean b) {
          text = b ? "true" : "false";
        }
        return text;
      }
      throw src.error(
          v, "'" + key + "' must be a condition or a list of conditions, got " + describe(v));
    }

    private Integer integer(Node v, String key) throws PlaybookException {
      if (v == null || YamlSource.isNull(v)) {
        return null;
      }
      if (v instanceof ScalarNode s) {
        Object value = YamlSource.scalar(s);
        if (value instanceof Integer i && i >= 0) {
          return i;
        }
        if (value instanceof String str && str.strip().matches("[0-9]{1,9}")) {
          return Integer.valueOf(str.strip());
        }
      }
      throw src.error(v, "'" + key + "' must be a whole number of 0 or more, got " + describe(v));
    }

    private Integer percentage(Node v, String key) throws PlaybookException {
      if (v instanceof ScalarNode s && !YamlSource.isNull(v)) {
        Object value = YamlSource.scalar(s);
        String text = String.valueOf(value).strip();
        if (text.endsWith("%")) {
          text = text.substring(0, text.length() - 1);
        }
        if (text.matches("[0-9]{1,3}") && Integer.parseInt(text) <= 100) {
          return Integer.valueOf(text);
        }
      }
      throw src.error(v, "'" + key + "' must be a percentage from 0 to 100, got " + describe(v));
    }

    private Boolean bool(Node v, String key) throws PlaybookException {
      if (v == null || YamlSource.isNull(v)) {
        return null;
      }
      if (v instanceof ScalarNode s) {
        Boolean b = AnsibleBool.parse(YamlSource.scalar(s));
        if (b != null) {
          return b;
        }
      }
      throw src.error(v, "'" + key + "' must be a boolean (true/false), got " + describe(v));
    }

    private String string(Node v, String key) throws PlaybookException {
      if (v == null || YamlSource.isNull(v)) {
        return null;
      }
      if (v instanceof ScalarNode s) {
        return String.valueOf(YamlSource.scalar(s));
      }
      throw src.error(v, "'" + key + "' must be a string, got " + describe(v));
    }

    private String hosts(Node v) throws PlaybookException {
      if (v instanceof SequenceNode seq && !seq.getValue().isEmpty()) {
        List<String> parts = new ArrayList<>();
        for (Node item : seq.getValue()) {
          String s = string(item, "hosts");
          if (s == null || s.isBlank()) {
            throw src.error(item, "'hosts' must not hold an empty entry");
          }
          parts.add(s);
        }
        return String.join(",", parts);
      }
      String s = v instanceof SequenceNode ? null : string(v, "hosts");
      if (s == null || s.isBlank()) {
        throw src.error(v, "'hosts' must name hosts or groups, got " + describe(v));
      }
      return s;
    }

    private List<String> stringList(Node v, String key) throws PlaybookException {
      if (YamlSource.isNull(v)) {
        return List.of();
      }
      if (v instanceof ScalarNode) {
        return List.of(string(v, key));
      }
      if (v instanceof SequenceNode seq) {
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
          if (!(item instanceof ScalarNode) || YamlSource.isNull(item)) {
            throw src.error(
                item, "'" + key + "' must be a list of file names, got " + describe(item));
          }
          out.add(string(item, key));
        }
        return out;
      }
      throw src.error(v, "'" + key + "' must be a list of file names, got " + describe(v));
    }

    private List<String> serial(Node v) throws PlaybookException {
      List<Node> items = v instanceof SequenceNode seq ? seq.getValue() : List.of(v);
      List<String> out = new ArrayList<>();
      for (Node item : items) {
        if (item instanceof ScalarNode s && !YamlSource.isNull(item)) {
          String text = String.valueOf(YamlSource.scalar(s)).strip();
          if (SERIAL.matcher(text).matches() || isTemplated(text)) {
            out.add(text);
            continue;
          }
        }
        throw src.error(
            item,
            "'serial' must be a number, a percentage such as '30%', or a list of them, got "
                + describe(item));
      }
      return out;
    }

    private Set<String> tags(Node v) throws PlaybookException {
      Set<String> out = new LinkedHashSet<>();
      List<Node> items = v instanceof SequenceNode seq ? seq.getValue() : List.of(v);
      for (Node item : items) {
        if (!(item instanceof ScalarNode s) || YamlSource.isNull(item)) {
          throw src.error(
              item,
              "'tags' must be a tag, a comma-separated string or a list, got " + describe(item));
        }
        for (String tag : String.valueOf(YamlSource.scalar(s)).split(",")) {
          if (!tag.isBlank()) {
            out.add(tag.strip());
          }
        }
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> mapValue(Node v, String key) throws PlaybookException {
      if (v == null || YamlSource.isNull(v)) {
        return Map.of();
      }
      if (!(v instanceof MappingNode)) {
        throw src.error(v, "'" + key + "' must be a mapping, got " + describe(v));
      }
      return (Map<String, Object>) src.value(v);
    }

    private MappingNode mapping(Node node, String what) throws PlaybookException {
      if (node instanceof MappingNode m) {
        return m;
      }
      throw src.error(node, what + " must be a mapping of keywords, got " + describe(node));
    }
  }

  /** The roles of the play being read: what ran (for dedupe), their handlers, the play's roles. */
  private static final class PlayRoles {
    final Set<Object> seen = new java.util.HashSet<>();
    final List<Handler> handlers = new ArrayList<>();
    final List<Role> direct = new ArrayList<>();

    /** The handlers of import_role's roles: after the play's own. */
    final List<Handler> imported = new ArrayList<>();

    /** The keywords of each role run, for its dependencies' handlers. */
    final Map<Role, TaskOptions> options = new java.util.HashMap<>();

    int groups;

    void clear() {
      seen.clear();
      imported.clear();
      options.clear();
      groups = 0;
      handlers.clear();
      direct.clear();
    }
  }

  /** How a node reads in an error: its value in quotes, or what kind of collection it is. */
  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (YamlSource.isNull(node)) {
      return "nothing";
    }
    return ExtraVars.shown(((ScalarNode) node).getValue());
  }

  static String describeValue(Object v) {
    if (v instanceof Map) {
      return "a mapping";
    }
    if (v instanceof List) {
      return "a list";
    }
    return "'" + v + "'";
  }
}

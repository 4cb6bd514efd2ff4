package dev.baton.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.AnsibleBool;
import dev.baton.engine.Connector;
import dev.baton.engine.EventListener;
import dev.baton.engine.ExitCodes;
import dev.baton.engine.ResumeState;
import dev.baton.engine.RunOptions;
import dev.baton.engine.RunStore;
import dev.baton.engine.Runner;
import dev.baton.inventory.HostConnection;
import dev.baton.inventory.Inventory;
import dev.baton.inventory.InventoryException;
import dev.baton.modules.ModuleRegistry;
import dev.baton.playbook.Block;
import dev.baton.playbook.ExtraVars;
import dev.baton.playbook.ModuleTask;
import dev.baton.playbook.Play;
import dev.baton.playbook.Playbook;
import dev.baton.playbook.PlaybookLoader;
import dev.baton.playbook.Task;
import dev.baton.playbook.VarsFiles;
import dev.baton.report.ConsoleReporter;
import dev.baton.report.JournalWriter;
import dev.baton.report.JunitReporter;
import dev.baton.ssh.CryptoProviders;
import dev.baton.ssh.HostSpec;
import dev.baton.ssh.SshConnector;
import dev.baton.template.JinjavaTemplater;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Wires one run from what the operator asked: loads and validates everything first (nothing
 * connects while any input is wrong), then hands the plan to the engine with its reporters.
 */
final class Launcher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunOutput output;
  private final PrintStream out;
  private final PrintStream err;

  Launcher(RunOutput output, PrintStream out, PrintStream err) {
    this.output = output;
    this.out = out;
    this.err = err;
  }

  /** The validated inputs of a run. */
  private record Inputs(
      Inventory inventory, ModuleRegistry modules, Playbook playbook, Map<String, Object> extra) {}

  private Inputs load(RunRequest req) throws Exception {
    if (req.inventories().isEmpty()) {
      throw new BatonCliException(
          ExitCodes.USAGE, "no inventory: give -i FILE (or set BATON_INVENTORY)");
    }
    Inventory inventory;
    try {
      inventory = Inventory.load(req.inventories().stream().map(Path::of).toList());
    } catch (InventoryException e) {
      throw new BatonCliException(ExitCodes.BAD_INPUT, e.getMessage(), e);
    }
    connectionNotes(inventory).forEach(n -> err.println("[WARNING]: " + n));
    Path book = Path.of(req.playbook());
    if (!Files.isRegularFile(book)) {
      throw new BatonCliException(ExitCodes.BAD_INPUT, "playbook not found: " + book);
    }
    ModuleRegistry modules = Modules.registry();
    Playbook playbook = new PlaybookLoader().load(book, modules);
    Map<String, Object> extra = new LinkedHashMap<>();
    for (String e : req.extraVars()) {
      extra.putAll(ExtraVars.parse(e, Path.of("").toAbsolutePath()));
    }
    if (req.limit() != null) {
      List<String> limited;
      try {
        limited = inventory.select(req.limit());
      } catch (InventoryException e) {
        throw new BatonCliException(ExitCodes.USAGE, "--limit: " + e.getMessage(), e);
      }
      // ansible-playbook refuses it too ("... and/or --limit leaves us with no hosts to
      // target", exit 1), except on an inventory with no hosts at all.
      if (limited.isEmpty() && !inventory.select("all").isEmpty()) {
        throw new BatonCliException(
            ExitCodes.USAGE,
            "--limit " + req.limit() + " matches no host of the inventory; nothing ran");
      }
    }
    return new Inputs(inventory, modules, playbook, extra);
  }

  /** --syntax-check, --list-hosts, --list-tasks: read-only looks at the plan. */
  int inspect(RunRequest req, boolean syntax, boolean hosts, boolean tasks) throws Exception {
    Inputs in = load(req);
    if (syntax) {
      out.println("playbook: " + in.playbook().path());
    }
    InventoryView view = new InventoryView(in.inventory());
    for (int i = 0; (hosts || tasks) && i < in.playbook().plays().size(); i++) {
      Play play = in.playbook().plays().get(i);
      out.println();
      out.println("  play #" + (i + 1) + " (" + play.hosts() + "): " + play.name());
      if (hosts) {
        List<String> selected = new ArrayList<>(view.select(play.hosts()));
        if (req.limit() != null) {
          selected.retainAll(new LinkedHashSet<>(view.select(req.limit())));
        }
        out.println("    pattern: ['" + play.hosts() + "']");
        out.println("    hosts (" + selected.size() + "):");
        selected.forEach(h -> out.println("      " + h));
      }
      if (tasks) {
        out.println("    tasks:");
        listTasks(play.tasks(), "      ");
      }
    }
    return ExitCodes.OK;
  }

  private void listTasks(List<Task> tasks, String indent) {
    for (Task t : tasks) {
      if (t instanceof ModuleTask mt) {
        String tags = mt.options().tags().isEmpty() ? "" : "\tTAGS: " + mt.options().tags();
        out.println(indent + mt.name() + tags);
      } else if (t instanceof Block b) {
        listTasks(b.block(), indent);
        listTasks(b.rescue(), indent);
        listTasks(b.always(), indent);
      }
    }
  }

  int run(RunRequest req) throws Exception {
    CryptoProviders.prepareInBackground();
    Inputs in = load(req);
    RunStore store = RunStore.fromEnvironment();
    String runId = RunStore.newRunId();
    ResumeState resume = ResumeState.NONE;
    String rootRunId = runId;
    if (req.resumeOf() != null) {
      RunStore.RunRecord prev = store.load(req.resumeOf());
      resume = ResumeState.fromJournal(Path.of(prev.journal()));
      rootRunId = prev.rootRunId() != null ? prev.rootRunId() : prev.runId();
    }
    Path journal =
        output.journal != null
            ? Path.of(output.journal).toAbsolutePath()
            : store.defaultJournal(runId);
    RunOptions options =
        new RunOptions(
            req.forks(),
            req.check(),
            req.limit(),
            new LinkedHashSet<>(req.tags()),
            new LinkedHashSet<>(req.skipTags()),
            in.extra(),
            output.verbosity(),
            req.resumeOf(),
            connectionVars(req.connection()),
            req.connection().containsKey("become") ? Boolean.TRUE : null,
            req.connection().get("become_user"));
    store.save(
        new RunStore.RunRecord(
            runId,
            Path.of(req.playbook()).toAbsolutePath().toString(),
            req.inventories().stream().map(p -> Path.of(p).toAbsolutePath().toString()).toList(),
            req.limit(),
            req.tags(),
            req.skipTags(),
            options.redactedExtraVars(),
            req.forks(),
            req.check(),
            journal.toString(),
            req.resumeOf(),
            rootRunId,
            req.connection()));

    boolean terminal =
        switch (output.color) {
          case "always" -> true;
          case "never" -> false;
          default ->
              System.console() != null
                  && System.getenv("TERM") != null
                  && !"dumb".equals(System.getenv("TERM"));
        };
    List<EventListener> listeners = new ArrayList<>();
    listeners.add(new ConsoleReporter(out, terminal, output.verbosity()));
    listeners.add(new JournalWriter(journal));
    if (output.junit != null) {
      listeners.add(new JunitReporter(Path.of(output.junit)));
    }
    EventListener all =
        new EventListener() {
          @Override
          public void on(dev.baton.engine.Event event) {
            listeners.forEach(l -> l.on(event));
          }

          @Override
          public void settle(dev.baton.engine.Event event) {
            listeners.forEach(l -> l.settle(event));
          }

          @Override
          public void close() {
            listeners.forEach(EventListener::close);
          }
        };

    try (SshConnector ssh = new SshConnector(sshSettings(in.inventory()))) {
      Connector connector = connector(ssh);
      Runner.Setup setup =
          new Runner.Setup(
              in.playbook(),
              new InventoryView(in.inventory()),
              in.modules(),
              new JinjavaTemplater(),
              connector,
              (file, mark) -> VarsFiles.load(file),
              options,
              runId,
              rootRunId,
              resume);
      int code;
      java.util.concurrent.atomic.AtomicBoolean finished =
          new java.util.concurrent.atomic.AtomicBoolean();
      // Ctrl-C or SIGTERM: say so in the journal and on the console, with the way back in.
      Thread onSignal =
          new Thread(
              () -> {
                if (finished.compareAndSet(false, true)) {
                  all.on(
                      new dev.baton.engine.Event.Warning(
                          java.time.Instant.now(),
                          "run "
                              + runId
                              + " interrupted; continue it with: baton resume "
                              + runId));
                  all.close();
                }
              });
      Runtime.getRuntime().addShutdownHook(onSignal);
      try {
        code = new Runner(setup, all).run();
      } finally {
        if (finished.compareAndSet(false, true)) {
          all.close();
          Runtime.getRuntime().removeShutdownHook(onSignal);
        }
      }
      out.println();
      out.println(
          "run "
              + runId
              + (req.resumeOf() != null ? " (resumes " + req.resumeOf() + ")" : "")
              + ": exit "
              + code
              + ", journal "
              + journal);
      return code;
    }
  }

  private SshConnector.Settings sshSettings(Inventory inventory) throws BatonCliException {
    SshConnector.Settings s = SshConnector.Settings.defaults();
    String known = output.knownHosts;
    if (known == null) {
      // An inventory may name its own known_hosts (the lab does), for every host alike.
      LinkedHashSet<String> files = new LinkedHashSet<>();
      for (String h : inventory.hosts()) {
        Object f = inventory.varsOf(h).get("baton_known_hosts_file");
        if (f != null) {
          files.add(f.toString());
        }
      }
      if (files.size() > 1) {
        throw new BatonCliException(
            ExitCodes.BAD_INPUT,
            "hosts name different baton_known_hosts_file values "
                + files
                + "; use one, or --known-hosts");
      }
      known = files.isEmpty() ? null : files.iterator().next();
    }
    if (known != null) {
      s = s.withKnownHosts(Path.of(known));
    }
    // How fast a dead link is noticed (4 unanswered keepalives) is a property of the network the
    // run crosses, so the inventory sets it, once for all hosts, like the known_hosts file.
    Optional<String> keepAlive = oneValue(inventory, "baton_ssh_keepalive", t -> t);
    if (keepAlive.isPresent()) {
      String k = keepAlive.get();
      long seconds;
      try {
        seconds = Long.parseLong(k);
      } catch (NumberFormatException e) {
        seconds = 0;
      }
      if (seconds < 1) {
        throw new BatonCliException(
            ExitCodes.BAD_INPUT,
            "baton_ssh_keepalive must be a whole number of seconds >= 1, not " + k);
      }
      s = s.withKeepAlive(Duration.ofSeconds(seconds));
    }
    return s.withShellSession(shellSession(inventory))
        .withAcceptNewHostKeys(output.acceptNewHostKeys);
  }

  /**
   * {@code baton_shell_session: false} in the inventory: one SSH channel per command, for hosts
   * whose commands must run under the login shell rather than /bin/sh. One value for the run.
   */
  private static boolean shellSession(Inventory inventory) throws BatonCliException {
    String v =
        oneValue(inventory, "baton_shell_session", t -> t.toLowerCase(Locale.ROOT)).orElse("true");
    Boolean b = AnsibleBool.parse(v);
    if (b == null) {
      throw new BatonCliException(
          ExitCodes.BAD_INPUT, "baton_shell_session must be true or false, not " + v);
    }
    return b;
  }

  /**
   * The one value the inventory gives {@code name} for the whole run (settings of the run's SSH
   * client, not of a host), stripped and {@code normal}ized before values are compared: hosts that
   * name different values are refused.
   */
  private static Optional<String> oneValue(
      Inventory inventory, String name, UnaryOperator<String> normal) throws BatonCliException {
    LinkedHashSet<String> values = new LinkedHashSet<>();
    for (String h : inventory.hosts()) {
      Object v = inventory.varsOf(h).get(name);
      if (v != null) {
        values.add(normal.apply(v.toString().strip()));
      }
    }
    if (values.size() > 1) {
      throw new BatonCliException(
          ExitCodes.BAD_INPUT, "hosts name different " + name + " values " + values);
    }
    return values.stream().findFirst();
  }

  private static Connector connector(SshConnector ssh) {
    return (host, vars) -> {
      HostConnection hc;
      try {
        hc = HostConnection.of(host, vars, Map.of());
      } catch (RuntimeException | InventoryException e) {
        throw new dev.baton.ssh.RemoteException(
            dev.baton.ssh.RemoteException.Kind.OTHER, host, host + ": " + e.getMessage(), e);
      }
      if (hc.type() == HostConnection.Type.LOCAL) {
        return new dev.baton.ssh.LocalRemote(host);
      }
      HostSpec spec = HostSpec.of(host);
      if (hc.address() != null) {
        spec = spec.withAddress(hc.address());
      }
      if (hc.port() != null) {
        spec = spec.withPort(hc.port());
      }
      if (hc.user() != null) {
        spec = spec.withUser(hc.user());
      }
      if (hc.privateKeyFile() != null) {
        spec = spec.withIdentityFiles(List.of(expandHome(hc.privateKeyFile())));
      }
      if (hc.password() != null) {
        spec = spec.withPassword(hc.password());
      }
      if (hc.proxyJump() != null) {
        spec = spec.withProxyJump(hc.proxyJump());
      }
      Object timeout = vars.get("ansible_timeout");
      if (timeout != null) {
        spec = spec.withConnectTimeout(Duration.ofSeconds(Long.parseLong(timeout.toString())));
      } else if (hc.connectTimeout() != null) {
        spec = spec.withConnectTimeout(Duration.ofSeconds(hc.connectTimeout()));
      }
      return ssh.connect(spec);
    };
  }

  /** {@code -u} and {@code --private-key} as the variables they stand for. */
  private static Map<String, Object> connectionVars(Map<String, String> cli) {
    Map<String, Object> v = new LinkedHashMap<>();
    if (cli.get("user") != null) {
      v.put("ansible_user", cli.get("user"));
    }
    if (cli.get("private_key") != null) {
      v.put("ansible_ssh_private_key_file", cli.get("private_key"));
    }
    return v;
  }

  /**
   * The connection settings baton does not act on (SSH options it cannot honour, ...), once each,
   * with the hosts they concern: the operator sees them before anything runs.
   */
  static List<String> connectionNotes(Inventory inventory) {
    Map<String, List<String>> hostsOfNote = new LinkedHashMap<>();
    for (String h : inventory.hosts()) {
      List<String> notes;
      try {
        notes = inventory.connectionOf(h).notes();
      } catch (InventoryException | RuntimeException e) {
        continue; // a bad value is refused when the host is connected to, with its place
      }
      for (String n : notes) {
        String text = n.startsWith(h + ": ") ? n.substring(h.length() + 2) : n;
        hostsOfNote.computeIfAbsent(text, k -> new ArrayList<>()).add(h);
      }
    }
    List<String> out = new ArrayList<>();
    hostsOfNote.forEach(
        (text, hs) ->
            out.add(
                (hs.size() == 1 ? hs.get(0) : hs.size() + " hosts (" + hs.get(0) + ", ...)")
                    + ": "
                    + text));
    return out;
  }

  /** {@code ~/x} as the shell and Ansible read it. */
  static Path expandHome(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return Path.of(System.getProperty("user.home") + path.substring(1));
    }
    return Path.of(path);
  }

  static String toJson(Map<String, Object> vars) {
    try {
      return JSON.writeValueAsString(vars);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}

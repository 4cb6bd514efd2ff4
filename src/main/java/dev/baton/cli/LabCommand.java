package dev.baton.cli;

import dev.baton.engine.ExitCodes;
import dev.baton.engine.RunStore;
import dev.baton.lab.EmbeddedLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton lab}: the embedded lab of simulated OpenEdge site pairs, for rehearsing a failback
 * (and for baton's own tests) with no set-up and no real OpenEdge.
 */
@Command(
    name = "lab",
    mixinStandardHelpOptions = true,
    description = "Simulated OpenEdge site pairs on this machine, for rehearsals and tests.",
    subcommands = {
      LabCommand.Run.class,
      LabCommand.Up.class,
      LabCommand.Down.class,
      LabCommand.Serve.class
    })
final class LabCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Path defaultState() {
    return RunStore.fromEnvironment().dirOf("x").getParent().getParent().resolve("lab");
  }

  static long parseSize(String s) {
    String t = s.trim().toUpperCase();
    long mult = 1;
    if (t.endsWith("B")) {
      t = t.substring(0, t.length() - 1);
    }
    if (t.endsWith("I")) {
      t = t.substring(0, t.length() - 1);
    }
    switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
      case 'K' -> mult = 1L << 10;
      case 'M' -> mult = 1L << 20;
      case 'G' -> mult = 1L << 30;
      default -> mult = 1;
    }
    if (mult > 1) {
      t = t.substring(0, t.length() - 1);
    }
    return Long.parseLong(t.trim()) * mult;
  }

  /** Options that shape the lab. */
  static final class Shape {
    @Option(names = "--pairs", description = "Site pairs to simulate (default: ${DEFAULT-VALUE}).")
    int pairs = 1;

    @Option(
        names = "--size",
        paramLabel = "BYTES",
        description =
            "Data in each secondary's source database, e.g. 8M, 1G (default: ${DEFAULT-VALUE}).")
    String size = "8M";

    @Option(
        names = "--state",
        paramLabel = "DIR",
        description = "Where the lab keeps its hosts (default: $BATON_HOME/lab).")
    Path state;

    @Option(
        names = "--break",
        paramLabel = "MISTAKE",
        description =
            "Build a real site's mistake into every pair, to rehearse the pre-flight's refusal:"
                + " agent-name, port, no-defer, startup-params, ai-extents (default: none).")
    String broken = "none";

    Path state() {
      return state != null ? state : defaultState();
    }

    dev.baton.lab.LabBreak broken() throws BatonCliException {
      try {
        return dev.baton.lab.LabBreak.of(broken);
      } catch (IllegalArgumentException e) {
        throw new BatonCliException(dev.baton.engine.ExitCodes.USAGE, e.getMessage());
      }
    }
  }

  /** Start the lab, run a playbook against it, print the roles, stop the lab. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Start the lab, run a playbook on it, stop the lab.")
  static final class Run implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PLAYBOOK")
    Path playbook;

    @Mixin Shape shape;

    @Option(
        names = {"-e", "--extra-vars"},
        paramLabel = "VARS")
    List<String> extraVars = new ArrayList<>();

    @Option(names = {"-f", "--forks"})
    int forks = 10;

    @Option(
        names = "--keep",
        description = "Leave the lab running afterwards (stop it with baton lab down).")
    boolean keep;

    @Mixin RunOutput output;

    @Override
    public Integer call() throws Exception {
      Path state = shape.state();
      System.out.println("lab: starting " + shape.pairs + " site pair(s) in " + state + " ...");
      EmbeddedLab lab =
          EmbeddedLab.start(state, shape.pairs, parseSize(shape.size), shape.broken());
      try {
        System.out.println("lab: up; inventory " + lab.inventory());
        RunRequest req =
            new RunRequest(
                playbook.toString(),
                List.of(lab.inventory().toString()),
                null,
                List.of(),
                List.of(),
                extraVars,
                forks,
                false,
                null,
                null);
        int code = new Launcher(output, System.out, System.err).run(req);
        if (keep) {
          System.out.println("lab: kept running in this process is not possible; use baton lab up");
        }
        return code;
      } finally {
        lab.close();
        System.out.println("lab: stopped");
      }
    }
  }

  /** Start the lab in the background. */
  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = "Start the lab in the background.")
  static final class Up implements Callable<Integer> {
    @Mixin Shape shape;

    @Override
    public Integer call() throws Exception {
      Path state = shape.state();
      Files.createDirectories(state);
      Path pidFile = state.resolve("lab.pid");
      if (alive(pidFile)) {
        System.out.println(
            "lab: already up (pid "
                + Files.readString(pidFile).trim()
                + "); inventory "
                + state.resolve("inventory.ini"));
        return ExitCodes.OK;
      }
      Path ready = state.resolve("lab.ready");
      Files.deleteIfExists(ready);
      Path log = state.resolve("lab.log");
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName(),
                  "lab",
                  "serve",
                  "--pairs",
                  Integer.toString(shape.pairs),
                  "--size",
                  shape.size,
                  "--break",
                  shape.broken().cliName(),
                  "--state",
                  state.toString()));
      new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!Files.exists(ready)) {
        if (System.nanoTime() > deadline) {
          throw new BatonCliException(
              ExitCodes.INTERNAL, "lab did not come up in 180 s; see " + log);
        }
        if (Files.exists(state.resolve("lab.failed"))) {
          throw new BatonCliException(
              ExitCodes.INTERNAL,
              "lab failed to start: "
                  + Files.readString(state.resolve("lab.failed")).trim()
                  + " (log: "
                  + log
                  + ")");
        }
        Thread.sleep(100);
      }
      System.out.println("lab: up; inventory " + state.resolve("inventory.ini"));
      System.out.println(
          "  ./baton play -i " + state.resolve("inventory.ini") + " playbooks/failback.yml");
      System.out.println("  ./baton lab down");
      return ExitCodes.OK;
    }
  }

  /** Stop the background lab. */
  @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the background lab.")
  static final class Down implements Callable<Integer> {
    @Option(names = "--state", paramLabel = "DIR")
    Path state;

    @Override
    public Integer call() throws Exception {
      Path dir = state != null ? state : defaultState();
      Path pidFile = dir.resolve("lab.pid");
      if (!alive(pidFile)) {
        System.out.println("lab: not running");
        return ExitCodes.OK;
      }
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
      p.destroy();
      p.onExit().get(60, TimeUnit.SECONDS);
      System.out.println("lab: stopped");
      return ExitCodes.OK;
    }
  }

  /** The lab process itself, started by {@code up}; runs until stopped. */
  @Command(name = "serve", hidden = true)
  static final class Serve implements Callable<Integer> {
    @Mixin Shape shape;

    @Override
    public Integer call() throws Exception {
      Path state = shape.state();
      Files.createDirectories(state);
      Files.deleteIfExists(state.resolve("lab.failed"));
      EmbeddedLab lab;
      try {
        lab = EmbeddedLab.start(state, shape.pairs, parseSize(shape.size), shape.broken());
      } catch (IOException | RuntimeException e) {
        Files.writeString(
            state.resolve("lab.failed"), String.valueOf(e.getMessage()), StandardCharsets.UTF_8);
        throw e;
      }
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    lab.close();
                    try {
                      Files.deleteIfExists(state.resolve("lab.pid"));
                      Files.deleteIfExists(state.resolve("lab.ready"));
                    } catch (IOException ignored) {
                      // The next `lab up` checks the pid for liveness anyway.
                    }
                    stop.countDown();
                  }));
      Files.writeString(state.resolve("lab.pid"), Long.toString(ProcessHandle.current().pid()));
      Files.writeString(state.resolve("lab.ready"), lab.inventory().toString());
      stop.await();
      return ExitCodes.OK;
    }
  }

  static boolean alive(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return false;
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}

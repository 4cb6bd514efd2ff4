package dev.baton.engine;

import dev.baton.core.Mark;
import dev.baton.modules.Module;
import dev.baton.modules.ModuleRegistry;
import dev.baton.modules.TaskResult;
import dev.baton.playbook.Block;
import dev.baton.playbook.Handler;
import dev.baton.playbook.ModuleTask;
import dev.baton.playbook.Play;
import dev.baton.playbook.Playbook;
import dev.baton.playbook.PlaybookException;
import dev.baton.playbook.Task;
import dev.baton.template.TemplateException;
import dev.baton.template.Templater;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a playbook's plays over the inventory with Ansible's linear strategy: each task runs on
 * every active host of the batch (at most {@code forks} at once) before the next task starts. That
 * lockstep is what lets a play on two hosts rely on the order of their steps: the secondary's
 * backup is complete before any primary starts copying it.
 */
public final class Runner {

  /** Loads a vars file ({@code vars_files}); errors name the file, line and column. */
  @FunctionalInterface
  public interface VarsLoader {
    Map<String, Object> load(Path file, Mark usedAt) throws PlaybookException;
  }

  /** Everything one run needs, wired by the command line or a test. */
  public record Setup(
      Playbook playbook,
      HostInventory inventory,
      ModuleRegistry modules,
      Templater templater,
      Connector connector,
      VarsLoader varsLoader,
      RunOptions options,
      String runId,
      String rootRunId,
      ResumeState resume) {}

  private final Setup setup;
  private final Templater templater;
  private final RunOptions options;
  private final Emitter emit;
  private final Map<String, HostRun> hosts = new LinkedHashMap<>();
  private final Connections connections;
  private final TaskStep step;

  /** Set by any_errors_fatal or max_fail_percentage: no further play runs. */
  private volatile boolean stopped;

  public Runner(Setup setup, EventListener listener) {
    this.setup = setup;
    this.templater = setup.templater();
    this.options = setup.options();
    this.emit = new Emitter(listener);
    this.connections = new Connections(setup.connector(), this::connectionVars);
    this.step = new TaskStep(setup, connections, emit, this::hostVarsOf);
  }

  /** Runs every play; returns the exit code of the README's table (0, 2 or 3). */
  public int run() {
    Instant start = Instant.now();
    emit.on(
        new Event.RunStarted(start, setup.runId(), setup.playbook().path().toString(), options));
    ExecutorService pool = Executors.newFixedThreadPool(options.forks(), daemonThreads());
    try {
      List<Play> plays = setup.playbook().plays();
      for (int i = 0; i < plays.size() && !stopped; i++) {
        runPlay(i, plays.get(i), pool);
      }
    } finally {
      pool.shutdownNow();
      undoAbandoned();
      connections.close();
    }
    Map<String, HostStats> stats = new LinkedHashMap<>();
    hosts.forEach((name, h) -> stats.put(name, h.stats()));
    int code = exitCode(stats);
    if (code == ExitCodes.HOST_FAILED
        && hosts.values().stream().filter(h -> h.failed).allMatch(h -> h.lockRefused)) {
      code = ExitCodes.LOCKED;
    }
    emit.on(
        new Event.RunFinished(Instant.now(), stats, code, Duration.between(start, Instant.now())));
    return code;
  }

  /**
   * A host whose run ended failed or unreachable with no work done since a module registered an
   * undo (a lock taken, then the peer's host key refused): the undo runs, newest first, so that the
   * run leaves nothing behind it. Each outcome is a warning line; an undo that fails (its host
   * unreachable too) is reported, and what it would have removed stays, as after a kill.
   */
  private void undoAbandoned() {
    for (HostRun h : hosts.values()) {
      if (h.active()) {
        continue;
      }
      List<HostRun.Undo> undos;
      synchronized (h.abandon) {
        undos = new ArrayList<>(h.abandon);
        h.abandon.clear();
      }
      for (int i = undos.size() - 1; i >= 0; i--) {
        HostRun.Undo u = undos.get(i);
        String said;
        try {
          said = u.action().undo();
        } catch (Exception e) {
          said = "could not undo on " + u.on() + " (" + e.getMessage() + "); left as it is";
        }
        if (said != null) {
          emit.on(
              new Event.Warning(
                  Instant.now(), h.name + ": the run changed nothing on this host: " + said));
        }
      }
    }
  }

  static int exitCode(Map<String, HostStats> stats) {
    boolean failed = stats.values().stream().anyMatch(s -> s.failed() > 0);
    boolean unreachable = stats.values().stream().anyMatch(s -> s.unreachable() > 0);
    return failed ? ExitCodes.HOST_FAILED : unreachable ? ExitCodes.HOST_UNREACHABLE : ExitCodes.OK;
  }

  private void runPlay(int index, Play play, ExecutorService pool) {
    List<String> selected = selectHosts(play);
    emit.on(new Event.PlayStarted(Instant.now(), index, play.name(), selected));
    if (selected.isEmpty()) {
      emit.on(new Event.Warning(Instant.now(), "play '" + play.name() + "': no hosts matched"));
      return;
    }
    PlayScope scope;
    try {
      scope = PlayScope.load(play, setup, selected, this::baseVars);
    } catch (PlaybookException | TemplateException e) {
      // A play whose variables cannot be resolved fails on every host before anything runs.
      for (String h : selected) {
        HostRun host = host(h);
        step.failHost(host, "p" + index, play.name(), e.getMessage());
      }
      return;
    }
    List<List<String>> batches = Batches.of(play.serial(), selected, play.mark());
    for (int b = 0; b < batches.size(); b++) {
      List<HostRun> batchHosts =
          batches.get(b).stream().map(this::host).filter(HostRun::active).toList();
      if (b > 0) {
        emit.on(new Event.BatchStarted(Instant.now(), index, b, play.name(), names(batchHosts)));
      }
      PlayRun run = new PlayRun(play, index, scope, batchHosts, pool);
      run.runList(play.tasks(), "p" + index + ".t", Inherited.of(play, options), batchHosts, true);
      if (!run.aborted) {
        run.flushHandlers();
      }
      if (run.aborted && !run.endedBatch) {
        break;
      }
      if (!batchHosts.isEmpty() && batchHosts.stream().allMatch(h -> h.failed || h.unreachable)) {
        // As ansible-playbook does: a batch in which every host failed or was unreachable ends the
        // play and the playbook, so a rollout of serial: 1 stops at its first failed site.
        boolean more = b + 1 < batches.size() || index + 1 < setup.playbook().plays().size();
        stopped = true;
        if (more) {
          emit.on(
              new Event.Warning(
                  Instant.now(),
                  "play '"
                      + play.name()
                      + "' stopped: every host of "
                      + (batches.size() > 1 ? "its batch " : "the play ")
                      + names(batchHosts)
                      + " failed; nothing more runs"));
        }
        break;
      }
    }
    // meta: end_host ends a host's play, not its run.
    hosts.values().forEach(h -> h.ended = false);
  }

  private List<String> selectHosts(Play play) {
    String pattern;
    try {
      Object rendered = templater.render(play.hosts(), options.extraVars(), play.mark());
      pattern = String.valueOf(rendered);
    } catch (TemplateException e) {
      emit.on(new Event.Warning(Instant.now(), e.getMessage()));
      return List.of();
    }
    List<String> chosen;
    try {
      chosen = new ArrayList<>(setup.inventory().select(pattern));
      if (options.limit() != null) {
        Set<String> limit = new LinkedHashSet<>(setup.inventory().select(options.limit()));
        chosen.retainAll(limit);
      }
    } catch (IllegalArgumentException e) {
      emit.on(new Event.Warning(Instant.now(), play.mark() + ": hosts: " + e.getMessage()));
      return List.of();
    }
    chosen.removeIf(h -> hosts.containsKey(h) && !hosts.get(h).active());
    return chosen;
  }

  private synchronized HostRun host(String name) {
    return hosts.computeIfAbsent(name, HostRun::new);
  }

  /**
   * Inventory vars, facts, then extra vars (which win over everything, as in Ansible): what {@code
   * hostvars[h]} shows and what a connection uses. Without the extra vars a play that reads {@code
   * hostvars[peer].openedge_db} got the inventory's path while the peer's own tasks got the -e one.
   */
  private Map<String, Object> hostVarsOf(String name) {
    Map<String, Object> v = new LinkedHashMap<>(options.connection());
    v.putAll(setup.inventory().varsOf(name));
    HostRun h;
    synchronized (this) {
      h = hosts.get(name);
    }
    if (h != null) {
      synchronized (h.facts) {
        v.putAll(h.facts);
      }
    }
    v.putAll(options.extraVars());
    v.putIfAbsent("inventory_hostname", name);
    return v;
  }

  private Map<String, Object> connectionVars(String name) {
    return hostVarsOf(name);
  }

  private Map<String, Object> baseVars(String name) {
    Map<String, Object> v = new LinkedHashMap<>(options.connection());
    v.putAll(setup.inventory().varsOf(name));
    v.putAll(options.extraVars());
    v.putAll(MagicVars.of(name, setup, this::hostVarsOf));
    return v;
  }

  /** One batch of one play: walks the task tree in lockstep over its hosts. */
  private final class PlayRun {
    final Play play;
    final int index;
    final PlayScope scope;
    final List<HostRun> batch;
    final ExecutorService pool;
    boolean aborted;

    /** meta: end_batch ended this batch only: the next batches run. */
    boolean endedBatch;

    PlayRun(Play play, int index, PlayScope scope, List<HostRun> batch, ExecutorService pool) {
      this.play = play;
      this.index = index;
      this.scope = scope;
      this.batch = batch;
      this.pool = pool;
    }

    /**
     * Runs a task list in lockstep. Failure thresholds are checked only at the play's top level:
     * inside a block a failure may still be rescued.
     */
    void runList(
        List<Task> tasks, String prefix, Inherited inherited, List<HostRun> on, boolean topLevel) {
      for (int i = 0; i < tasks.size() && !aborted; i++) {
        Task task = tasks.get(i);
        String path = prefix + i;
        List<HostRun> active = on.stream().filter(HostRun::active).toList();
        if (active.isEmpty()) {
          return;
        }
        if (task instanceof ModuleTask mt && mt.module().equals("meta")) {
          runMeta(mt, path, inherited, active);
        } else if (task instanceof ModuleTask mt) {
          runTask(mt, path, inherited, active);
        } else if (task instanceof Block b) {
          runBlock(b, path, inherited, active);
        }
        if (topLevel) {
          checkThresholds();
          if (play.flushAfter().contains(i)) {
            flushHandlers();
          }
        }
      }
    }

    /**
     * Runs the handlers notified on the batch's hosts, as Ansible does at the end of pre_tasks,
     * tasks and post_tasks: each handler once, in the order of the handlers list, on the hosts
     * still active that notified it; what was notified is then forgotten.
     */
    void flushHandlers() {
      List<Handler> handlers = play.handlers();
      if (handlers.isEmpty() || aborted) {
        return;
      }
      Map<HostRun, Set<Integer>> notified = new LinkedHashMap<>();
      for (HostRun h : batch) {
        Set<String> names = new LinkedHashSet<>(h.notified);
        h.notified.removeAll(names);
        if (!names.isEmpty() && h.active()) {
          notified.put(h, Handler.notifiedBy(handlers, names));
        }
      }
      for (int j = 0; j < handlers.size() && !aborted; j++) {
        Handler handler = handlers.get(j);
        int which = j;
        List<HostRun> on =
            notified.entrySet().stream()
                .filter(e -> e.getKey().active())
                .filter(e -> e.getValue().contains(which))
                .map(Map.Entry::getKey)
                .toList();
        if (!on.isEmpty()) {
          Inherited eff = Inherited.of(play, options);
          for (int r = 0; r < handler.roles().size(); r++) {
            eff = eff.with(handler.roleOptions().get(r)).inRole(handler.roles().get(r));
          }
          runTask(handler.task(), "p" + index + ".h" + j, eff, on);
          checkThresholds();
        }
      }
    }

    /**
     * {@code meta}: the engine's own actions, as Ansible carries them out. end_play and end_batch
     * end the play (the batch) for every host, without failing any; end_host ends it for the hosts
     * the task's {@code when} holds for.
     */
    private void runMeta(ModuleTask task, String path, Inherited inherited, List<HostRun> on) {
      Inherited eff = inherited.with(task.options());
      if (!Tags.selected(eff.tags(), options.tags(), options.skipTags())) {
        return;
      }
      switch (dev.baton.modules.Meta.action(task.args())) {
        case "flush_handlers" -> flushHandlers();
        case "end_play" -> aborted = true;
        case "end_batch" -> {
          aborted = true;
          endedBatch = true;
        }
        case "end_host" -> {
          emit.on(new Event.TaskStarted(Instant.now(), path, task.name(), "meta", names(on)));
          for (HostRun h : on) {
            step.endHost(h, task, path, eff, scope);
          }
        }
        default -> {} // noop
      }
    }

    private void runTask(ModuleTask task, String path, Inherited inherited, List<HostRun> on) {
      Inherited eff = inherited.with(task.options());
      // A notified handler runs whatever --tags selects, as in Ansible.
      boolean handler = path.contains(".h");
      if (!handler && !Tags.selected(eff.tags(), options.tags(), options.skipTags())) {
        return;
      }
      Instant started = Instant.now();
      emit.on(new Event.TaskStarted(started, path, task.name(), task.module(), names(on)));
      if (on.size() == 1 || Boolean.TRUE.equals(eff.runOnce())) {
        // One host (or run_once): on this thread. A hand-off to a fork thread and back costs two
        // wake-ups, ~0.4 ms a task on the benchmark VM, which is a tenth of a /bin/true task.
        HostRun first = on.get(0);
        TaskStep.Outcome out = step.run(first, task, path, eff, scope, on);
        for (HostRun other : on.subList(1, on.size())) {
          step.shareRunOnce(other, task, out);
        }
      } else {
        List<Future<?>> futures = new ArrayList<>();
        for (HostRun h : on) {
          futures.add(pool.submit(() -> step.run(h, task, path, eff, scope, on)));
        }
        awaitAll(futures);
      }
      emit.on(
          new Event.TaskFinished(
              Instant.now(), path, task.name(), Duration.between(started, Instant.now())));
      if (play.anyErrorsFatal() && on.stream().anyMatch(h -> !h.active())) {
        abortPlay("any_errors_fatal: a host failed");
      }
    }

    private void runBlock(Block block, String path, Inherited inherited, List<HostRun> on) {
      Inherited eff = inherited.with(block.options());
      if (block.role() != null) {
        eff = eff.inRole(block.role());
      }
      Set<HostRun> entered = new LinkedHashSet<>(on);
      runList(block.block(), path + ".b", eff, on, false);
      List<HostRun> failedInBlock = on.stream().filter(h -> h.failed && !h.unreachable).toList();
      List<HostRun> rescued = new ArrayList<>();
      if (!block.rescue().isEmpty() && !failedInBlock.isEmpty() && !aborted) {
        failedInBlock.forEach(h -> h.failed = false);
        // As in Ansible (2.14), the rescue sees what failed, and the variables stay defined after.
        for (HostRun h : failedInBlock) {
          if (h.lastFailure != null) {
            h.facts.put("ansible_failed_task", h.lastFailure.getKey());
            h.facts.put("ansible_failed_result", h.lastFailure.getValue());
          }
        }
        runList(block.rescue(), path + ".r", eff, failedInBlock, false);
        for (HostRun h : failedInBlock) {
          if (!h.failed) {
            rescued.add(h);
            h.count(new HostStats(0, 0, 0, -1, 0, 1, 0));
            emit.on(new Event.HostRescued(Instant.now(), path, h.name));
          }
        }
      }
      if (!block.always().isEmpty()) {
        // always runs for every host that entered the block and can still be reached,
        // whatever happened inside; a host that failed stays failed afterwards.
        List<HostRun> alwaysHosts = entered.stream().filter(h -> !h.unreachable).toList();
        Set<HostRun> wasFailed = new LinkedHashSet<>();
        for (HostRun h : alwaysHosts) {
          if (h.failed) {
            wasFailed.add(h);
            h.failed = false;
          }
        }
        boolean wasAborted = aborted;
        aborted = false;
        runList(block.always(), path + ".a", eff, alwaysHosts, false);
        aborted = aborted || wasAborted;
        wasFailed.forEach(h -> h.failed = true);
      }
    }

    private void checkThresholds() {
      if (aborted || batch.isEmpty()) {
        return;
      }
      long down = batch.stream().filter(h -> !h.active()).count();
      Integer max = play.maxFailPercentage();
      if (max != null && down * 100.0 / batch.size() > max) {
        abortPlay(
            "max_fail_percentage "
                + max
                + "% exceeded: "
                + down
                + " of "
                + batch.size()
                + " hosts failed");
      }
    }

    private void abortPlay(String why) {
      // As in Ansible, the remaining hosts did nothing wrong: they keep their counters and simply
      // run nothing more, and the run ends with the failure's exit code.
      aborted = true;
      stopped = true;
      emit.on(new Event.Warning(Instant.now(), "play '" + play.name() + "' stopped: " + why));
    }
  }

  private static List<String> names(List<HostRun> hs) {
    return hs.stream().map(h -> h.name).toList();
  }

  private static void awaitAll(List<Future<?>> futures) {
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(x -> x.cancel(true));
        throw new IllegalStateException("run interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("engine error: " + e.getCause(), e.getCause());
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return r -> {
      Thread t = new Thread(r, "baton-fork");
      t.setDaemon(true);
      return t;
    };
  }

  static Module moduleOf(ModuleRegistry registry, String name) {
    return registry
        .find(name)
        .orElseThrow(() -> new IllegalStateException("module vanished: " + name));
  }

  static TaskResult.Failed failed(String msg) {
    return new TaskResult.Failed(msg, Map.of());
  }
}

package dev.baton.engine;

import dev.baton.core.AnsibleBool;
import dev.baton.modules.Module;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.OnResume;
import dev.baton.modules.TaskResult;
import dev.baton.playbook.Loop;
import dev.baton.playbook.ModuleTask;
import dev.baton.ssh.Become;
import dev.baton.ssh.RemoteException;
import dev.baton.template.PythonText;
import dev.baton.template.TemplateException;
import dev.baton.template.Templater;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One task on one host: resume check, conditions, rendering, the module call with retries,
 * failed_when / changed_when, register, facts, and the event that reports it.
 */
final class TaskStep {
  static final String CENSORED =
      "the output has been hidden due to the fact that 'no_log: true' was specified for this"
          + " result";

  /** What a task left on a host, for run_once to share with the other hosts. */
  record Outcome(TaskResult result, Map<String, Object> registered) {}

  private final Runner.Setup setup;
  private final Connections connections;
  private final Emitter emit;
  private final Function<String, Map<String, Object>> hostVarsOf;
  private final Templater templater;

  TaskStep(
      Runner.Setup setup,
      Connections connections,
      Emitter emit,
      Function<String, Map<String, Object>> hostVarsOf) {
    this.setup = setup;
    this.connections = connections;
    this.emit = emit;
    this.hostVarsOf = hostVarsOf;
    this.templater = setup.templater();
  }

  Outcome run(
      HostRun host,
      ModuleTask task,
      String path,
      Inherited eff,
      PlayScope scope,
      List<HostRun> playHosts) {
    Instant start = Instant.now();
    boolean noLog = Boolean.TRUE.equals(eff.noLog());
    Map<String, Object> vars;
    try {
      vars = varsFor(host, eff, scope);
    } catch (TemplateException e) {
      return finish(host, task, path, start, TaskResult.failed(e.getMessage()), null, false, noLog);
    }

    ResumeState.Done done = setup.resume().done(host.name, path, task.name());
    if (done != null) {
      OnResume policy = Runner.moduleOf(setup.modules(), task.module()).onResume();
      boolean guardedWork =
          policy == OnResume.CHECK_AGAIN
              && setup
                  .resume()
                  .workFollowed(
                      host.name,
                      path,
                      m ->
                          setup.modules().find(m).map(Module::onResume).orElse(null)
                              == OnResume.SKIP);
      if (policy == OnResume.SKIP || guardedWork) {
        restore(host, task, done);
        Map<String, Object> data = done.registered() == null ? Map.of() : done.registered();
        String msg =
            policy == OnResume.SKIP
                ? "already done in run " + done.runId()
                : "passed in run "
                    + done.runId()
                    + " before the work that followed it; not asked again";
        TaskResult r = new TaskResult.Ok(msg, data);
        return finish(
            host,
            task,
            path,
            start,
            r,
            null,
            false,
            noLog,
            new Event.Resumed(done.runId(), done.work()));
      }
    }

    if (task.options().loop() != null) {
      return runLoop(host, task, path, eff, vars, task.options().loop(), start, noLog);
    }
    try {
      for (String cond : eff.when()) {
        if (!templater.test(cond, vars, task.mark())) {
          Map<String, Object> data =
              TaskResult.data(
                  "skip_reason", "Conditional result was False", "false_condition", cond);
          TaskResult r = new TaskResult.Skipped("Conditional result was False: " + cond, data);
          return finish(host, task, path, start, r, null, false, noLog);
        }
      }
    } catch (TemplateException e) {
      return finish(host, task, path, start, TaskResult.failed(e.getMessage()), null, false, noLog);
    }

    String delegate = null;
    TaskResult result;
    try {
      if (eff.delegateTo() != null) {
        delegate = String.valueOf(templater.render(eff.delegateTo(), vars, task.mark()));
      }
      Map<String, Object> args = renderArgs(task, vars);
      result =
          callWithRetries(
              host, task, eff.rendered(templater, vars, task.mark()), vars, args, delegate);
    } catch (TemplateException e) {
      result = TaskResult.failed(e.getMessage());
    }
    boolean ignored =
        result instanceof TaskResult.Failed && Boolean.TRUE.equals(eff.ignoreErrors());
    return finish(host, task, path, start, result, delegate, ignored, noLog);
  }

  /**
   * A looping task on one host, as Ansible runs it: for each item the conditions, arguments and
   * delegation are evaluated with the item's variables, the module runs (with its retries and
   * failed_when / changed_when), and the item's line is reported; the task's result holds every
   * item's under {@code results}, changed when any changed, failed when any failed. An item whose
   * host is unreachable ends the loop.
   */
  private Outcome runLoop(
      HostRun host,
      ModuleTask task,
      String path,
      Inherited eff,
      Map<String, Object> vars,
      Loop loop,
      Instant start,
      boolean noLog) {
    List<Object> items;
    try {
      items = loopItems(loop, vars);
    } catch (TemplateException e) {
      return finish(host, task, path, start, TaskResult.failed(e.getMessage()), null, false, noLog);
    }
    if (items.isEmpty()) {
      TaskResult r =
          new TaskResult.Skipped(
              "No items in the list", TaskResult.data("skipped_reason", "No items in the list"));
      return finish(host, task, path, start, r, null, false, noLog);
    }
    List<Map<String, Object>> results = new ArrayList<>();
    boolean changed = false;
    boolean failed = false;
    boolean allSkipped = true;
    TaskResult unreachable = null;
    String delegate = null;
    for (int i = 0; i < items.size(); i++) {
      if (i > 0 && loop.pauseSeconds() > 0) {
        sleep((int) loop.pauseSeconds());
      }
      Object item = items.get(i);
      Map<String, Object> itemVars = new LinkedHashMap<>(vars);
      itemVars.put(loop.loopVar(), item);
      itemVars.put("ansible_loop_var", loop.loopVar());
      if (loop.indexVar() != null) {
        itemVars.put(loop.indexVar(), i);
      }
      if (loop.extended()) {
        itemVars.put("ansible_loop", extendedLoop(items, i));
      }
      TaskResult r;
      String label = PythonText.str(item);
      try {
        if (loop.label() != null) {
          label = PythonText.str(templater.render(loop.label(), itemVars, task.mark()));
        }
        delegate =
            eff.delegateTo() == null
                ? null
                : String.valueOf(templater.render(eff.delegateTo(), itemVars, task.mark()));
        r = itemOnce(host, task, eff, itemVars, delegate);
      } catch (TemplateException e) {
        r = TaskResult.failed(e.getMessage());
      }
      Map<String, Object> reg = registered(r);
      reg.put(loop.loopVar(), item);
      reg.put("ansible_loop_var", loop.loopVar());
      if (loop.indexVar() != null) {
        reg.put(loop.indexVar(), i);
        reg.put("ansible_index_var", loop.indexVar());
      }
      results.add(templater.hostData(reg));
      changed |= Boolean.TRUE.equals(reg.get("changed"));
      failed |= r instanceof TaskResult.Failed;
      allSkipped &= r instanceof TaskResult.Skipped;
      emit.on(
          new Event.ItemResult(
              Instant.now(),
              path,
              task.name(),
              host.name,
              label,
              safeForReports(withData(r, reg), noLog, host),
              delegate));
      if (r instanceof TaskResult.Unreachable) {
        unreachable = r;
        break;
      }
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("results", results);
    data.put("changed", changed);
    String msg = failed ? "One or more items failed" : "All items completed";
    data.put("msg", msg);
    TaskResult agg;
    if (unreachable != null) {
      agg = new TaskResult.Unreachable(unreachable.msg(), data);
    } else if (failed) {
      agg = new TaskResult.Failed(msg, data);
    } else if (allSkipped) {
      data.put("skipped", true);
      agg = new TaskResult.Skipped("All items skipped", data);
    } else {
      agg = changed ? new TaskResult.Changed(msg, data) : new TaskResult.Ok(msg, data);
    }
    boolean ignored = agg instanceof TaskResult.Failed && Boolean.TRUE.equals(eff.ignoreErrors());
    return finish(host, task, path, start, agg, delegate, ignored, noLog);
  }

  /** One item: its conditions, then the module with the item's arguments, on {@code delegate}. */
  private TaskResult itemOnce(
      HostRun host, ModuleTask task, Inherited eff, Map<String, Object> itemVars, String delegate)
      throws TemplateException {
    for (String cond : eff.when()) {
      if (!templater.test(cond, itemVars, task.mark())) {
        return new TaskResult.Skipped(
            "Conditional result was False: " + cond,
            TaskResult.data(
                "skip_reason", "Conditional result was False", "false_condition", cond));
      }
    }
    Map<String, Object> args = renderArgs(task, itemVars);
    return callWithRetries(
        host, task, eff.rendered(templater, itemVars, task.mark()), itemVars, args, delegate);
  }

  /**
   * The items of a loop for this host: {@code loop} and {@code with_list} take a list as it is,
   * {@code with_items} flattens one level, {@code with_dict} gives {@code {key, value}} pairs.
   */
  private List<Object> loopItems(Loop loop, Map<String, Object> vars) throws TemplateException {
    Object v = loop.items() == null ? List.of() : templater.render(loop.items(), vars, loop.mark());
    if (loop.keyword().equals("with_dict")) {
      if (!(v instanceof Map<?, ?> m)) {
        throw new TemplateException(
            loop.mark(), "with_dict expects a mapping, got " + PythonText.str(v));
      }
      List<Object> out = new ArrayList<>();
      m.forEach(
          (k, val) -> {
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("key", k);
            pair.put("value", val);
            out.add(pair);
          });
      return out;
    }
    if (loop.keyword().equals("with_items") && !(v instanceof List<?>)) {
      return v == null ? List.of() : List.of(v);
    }
    if (!(v instanceof List<?> l)) {
      throw new TemplateException(
          loop.mark(),
          "Invalid data passed to '"
              + loop.keyword()
              + "', it requires a list, got this instead: "
              + PythonText.str(v));
    }
    List<Object> out = new ArrayList<>();
    for (Object o : l) {
      if (loop.keyword().equals("with_items") && o instanceof List<?> inner) {
        out.addAll(inner);
      } else {
        out.add(o);
      }
    }
    return out;
  }

  /** {@code ansible_loop} of {@code loop_control: {extended: true}}. */
  private static Map<String, Object> extendedLoop(List<Object> items, int i) {
    Map<String, Object> m = new LinkedHashMap<>();
    int n = items.size();
    m.put("allitems", items);
    m.put("index", i + 1);
    m.put("index0", i);
    m.put("revindex", n - i);
    m.put("revindex0", n - i - 1);
    m.put("first", i == 0);
    m.put("last", i == n - 1);
    m.put("length", n);
    m.put("previtem", i > 0 ? items.get(i - 1) : null);
    m.put("nextitem", i < n - 1 ? items.get(i + 1) : null);
    return m;
  }

  /** {@code meta: end_host}: ends the play for this host when the task's conditions hold. */
  void endHost(HostRun host, ModuleTask task, String path, Inherited eff, PlayScope scope) {
    try {
      Map<String, Object> vars = varsFor(host, eff, scope);
      for (String cond : eff.when()) {
        if (!templater.test(cond, vars, task.mark())) {
          return;
        }
      }
      host.ended = true;
    } catch (TemplateException e) {
      finish(
          host, task, path, Instant.now(), TaskResult.failed(e.getMessage()), null, false, false);
    }
  }

  /** Copies a run_once result to another host of the play, as Ansible does. */
  void shareRunOnce(HostRun other, ModuleTask task, Outcome out) {
    if (task.options().register() != null && out.registered() != null) {
      other.facts.put(task.options().register(), templater.hostData(out.registered()));
    }
    Object facts = out.registered() == null ? null : out.registered().get("ansible_facts");
    if (facts instanceof Map<?, ?> m) {
      m.forEach((k, v) -> other.facts.put(String.valueOf(k), v));
    }
  }

  /** Fails a host before any task ran (its play's variables cannot be resolved). */
  void failHost(HostRun host, String path, String what, String message) {
    host.failed = true;
    host.count(new HostStats(0, 0, 0, 1, 0, 0, 0));
    emit.on(
        new Event.HostResult(
            Instant.now(),
            path,
            what,
            host.name,
            TaskResult.failed(message),
            false,
            false,
            Duration.ZERO,
            null,
            null));
  }

  private Map<String, Object> varsFor(HostRun host, Inherited eff, PlayScope scope)
      throws TemplateException {
    Map<String, Object> v = new LinkedHashMap<>(setup.options().connection());
    RoleVars roles = scope.rolesOf(host.name);
    // Ansible's order: role defaults under the inventory; the play's vars (with every role's vars)
    // over it, the task's own role's vars over those; registered values and facts over task vars;
    // role params over those; extra vars over everything.
    v.putAll(roles.defaultsFor(eff.roles()));
    v.putAll(setup.inventory().varsOf(host.name));
    v.putAll(MagicVars.of(host.name, setup, hostVarsOf));
    v.put("playbook_dir", eff.dir().toString());
    v.put("ansible_play_hosts", scope.playHosts());
    v.put("play_hosts", scope.playHosts());
    v.putAll(scope.varsOf(host.name));
    v.putAll(roles.ownVars(eff.roles()));
    eff.role()
        .ifPresent(
            r -> {
              v.put("role_name", r.name());
              v.put("role_path", r.dir().toString());
            });
    synchronized (host.facts) {
      v.putAll(host.facts);
    }
    v.putAll(setup.options().extraVars());
    Map<String, Object> params = RoleVars.params(eff.roles());
    if (!eff.vars().isEmpty() || !params.isEmpty()) {
      v.putAll(PlayScope.renderAll(eff.vars(), v, setup, dev.baton.core.Mark.NONE));
      synchronized (host.facts) {
        v.putAll(host.facts);
      }
      v.putAll(PlayScope.renderAll(params, v, setup, dev.baton.core.Mark.NONE));
      v.putAll(setup.options().extraVars());
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> renderArgs(ModuleTask task, Map<String, Object> vars)
      throws TemplateException {
    Map<String, Object> out = new LinkedHashMap<>();
    for (var e : task.args().entrySet()) {
      var mark = task.argMarks().getOrDefault(e.getKey(), task.mark());
      Object v = templater.render(e.getValue(), vars, mark);
      if (MagicVars.OMIT.equals(v)) {
        continue;
      }
      if (v instanceof Map<?, ?> m) {
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
        copy.values().removeIf(MagicVars.OMIT::equals);
        v = copy;
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  private TaskResult callWithRetries(
      HostRun host,
      ModuleTask task,
      Inherited eff,
      Map<String, Object> vars,
      Map<String, Object> args,
      String delegate)
      throws TemplateException {
    Module module = Runner.moduleOf(setup.modules(), task.module());
    String until = task.options().until();
    // Attempts as ansible-core 2.14 counts them: 3 when retries is unset, else retries + 1.
    Integer given = task.options().retries();
    int attempts = until == null ? 1 : given == null ? 3 : Math.max(given, 0) + 1;
    int retries = attempts - 1;
    int delay = task.options().delaySeconds() == null ? 5 : task.options().delaySeconds();
    String register = task.options().register();
    TaskResult result = null;
    for (int attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        emit.on(new Event.Retry(Instant.now(), host.name, task.name(), attempts - attempt));
        sleep(delay);
      }
      result = callOnce(host, task, eff, vars, args, delegate, module);
      if (result instanceof TaskResult.Unreachable) {
        return result;
      }
      result = applyOverrides(task, vars, result);
      if (until == null) {
        return result;
      }
      Map<String, Object> scope = new LinkedHashMap<>(vars);
      if (register != null) {
        scope.put(register, templater.hostData(registered(result)));
      }
      if (templater.test(until, scope, task.mark())) {
        Map<String, Object> data = new LinkedHashMap<>(result.data());
        data.put("attempts", attempt + 1);
        return withData(result, data);
      }
    }
    Map<String, Object> data = new LinkedHashMap<>(result.data());
    // ansible-core 2.14 reports one attempt less when they ran out (attempts = retries - 1 there).
    data.put("attempts", Math.max(retries, 1));
    return new TaskResult.Failed(
        "retries exhausted after "
            + (retries + 1)
            + " attempts (until: "
            + until
            + "): "
            + result.msg(),
        data);
  }

  private TaskResult callOnce(
      HostRun host,
      ModuleTask task,
      Inherited eff,
      Map<String, Object> vars,
      Map<String, Object> args,
      String delegate,
      Module module) {
    Become become = null;
    // As in Ansible, a variable (inventory, vars, -e) outranks the keyword it stands for.
    Object becomeVar = vars.get("ansible_become");
    boolean wantBecome = becomeVar != null ? truthy(becomeVar) : Boolean.TRUE.equals(eff.become());
    Object userVar = vars.get("ansible_become_user");
    String user = userVar != null ? str(userVar) : eff.becomeUser();
    if (wantBecome && sameUser(user, delegate == null ? vars : delegated(vars, delegate))) {
      // Ansible's default (become_allow_same_user false): no sudo to the user already logged in,
      // so a host without sudo runs the task as it would.
      wantBecome = false;
    }
    if (wantBecome) {
      Object pw =
          vars.containsKey("ansible_become_password")
              ? vars.get("ansible_become_password")
              : vars.get("ansible_become_pass");
      become = new Become(user, pw == null ? null : pw.toString());
    }
    Map<String, String> env = new LinkedHashMap<>();
    eff.environment().forEach((k, v) -> env.put(k, String.valueOf(v)));
    Duration timeout =
        eff.timeoutSeconds() == null ? null : Duration.ofSeconds(eff.timeoutSeconds());
    Path dir = eff.dir();
    String target = delegate != null ? delegate : host.name;
    Map<String, Object> ctxVars = delegate == null ? vars : delegated(vars, delegate);
    ModuleContext ctx =
        new TaskContext(
            host.name,
            target,
            connections,
            ctxVars,
            hostVarsOf,
            templater,
            task.mark(),
            setup.options().check(),
            timeout,
            become,
            env,
            new dev.baton.core.SearchPath(eff.role().map(r -> r.dir()), dir),
            Boolean.TRUE.equals(eff.noLog()),
            (what, done, total, unit) ->
                emit.on(new Event.Progress(Instant.now(), host.name, what, done, total, unit)),
            undo -> host.abandon.add(new HostRun.Undo(target, undo)));
    try {
      return module.run(ctx, args);
    } catch (RemoteException e) {
      if (e.unreachable()) {
        connections.drop(target);
        return new TaskResult.Unreachable(
            e.getMessage(), TaskResult.data("unreachable", true, "msg", e.getMessage()));
      }
      return TaskResult.failed(e.getMessage());
    } catch (TemplateException e) {
      return TaskResult.failed(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return TaskResult.failed("interrupted");
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return TaskResult.failed(task.mark() + ": module " + task.module() + " failed: " + why);
    }
  }

  /**
   * A delegated task keeps the variables of the host it runs for, as in Ansible, but how to reach
   * and run things on the delegate (its {@code ansible_*} connection settings and its OpenEdge
   * install) comes from the delegate's own variables.
   */
  private Map<String, Object> delegated(Map<String, Object> vars, String delegate) {
    Map<String, Object> v = new LinkedHashMap<>(vars);
    v.keySet()
        .removeIf(
            k ->
                k.startsWith("ansible_")
                    && !k.equals("ansible_check_mode")
                    && !k.startsWith("ansible_play"));
    v.remove("openedge_dlc");
    hostVarsOf
        .apply(delegate)
        .forEach(
            (k, val) -> {
              if (k.startsWith("ansible_") || k.equals("openedge_dlc")) {
                v.put(k, val);
              }
            });
    return v;
  }

  /** True when {@code becomeUser} (root when unset) is the user the connection logs in as. */
  private static boolean sameUser(String becomeUser, Map<String, Object> vars) {
    Object login = vars.get("ansible_user");
    if (login == null) {
      login = vars.get("ansible_ssh_user");
    }
    // Unset, the login user is whatever ~/.ssh/config says: not known here, so become stays (as
    // in Ansible, whose remote_user is then None).
    return login != null
        && (becomeUser == null || becomeUser.isEmpty() ? "root" : becomeUser)
            .equals(login.toString());
  }

  private TaskResult applyOverrides(ModuleTask task, Map<String, Object> vars, TaskResult result)
      throws TemplateException {
    List<String> changedWhen = task.options().changedWhen();
    List<String> failedWhen = task.options().failedWhen();
    if (changedWhen.isEmpty() && failedWhen.isEmpty() || result instanceof TaskResult.Skipped) {
      return result;
    }
    Map<String, Object> scope = new LinkedHashMap<>(vars);
    String register = task.options().register();
    if (register != null) {
      scope.put(register, templater.hostData(registered(result)));
    }
    scope.putAll(templater.hostData(result.data()));
    TaskResult r = result;
    if (!changedWhen.isEmpty()) {
      boolean changed = allTrue(changedWhen, scope, task);
      if (!(r instanceof TaskResult.Failed)) {
        r =
            changed
                ? new TaskResult.Changed(r.msg(), r.data())
                : new TaskResult.Ok(r.msg(), r.data());
      }
    }
    if (!failedWhen.isEmpty()) {
      boolean failed = anyTrue(failedWhen, scope, task);
      if (failed) {
        Map<String, Object> data = r.data();
        if (r instanceof TaskResult.Changed) {
          // The host changed all the same: Ansible counts it changed (an ignored one in the recap).
          data = new LinkedHashMap<>(data);
          data.put("changed", true);
        }
        r = new TaskResult.Failed(r.msg().isEmpty() ? "failed_when condition met" : r.msg(), data);
      } else if (r instanceof TaskResult.Failed) {
        r =
            failedButChanged(r)
                ? new TaskResult.Changed(r.msg(), r.data())
                : new TaskResult.Ok(r.msg(), r.data());
      }
    }
    return r;
  }

  private boolean allTrue(List<String> conds, Map<String, Object> scope, ModuleTask task)
      throws TemplateException {
    for (String c : conds) {
      if (!templater.test(c, scope, task.mark())) {
        return false;
      }
    }
    return true;
  }

  private boolean anyTrue(List<String> conds, Map<String, Object> scope, ModuleTask task)
      throws TemplateException {
    for (String c : conds) {
      if (templater.test(c, scope, task.mark())) {
        return true;
      }
    }
    return false;
  }

  private Outcome finish(
      HostRun host,
      ModuleTask task,
      String path,
      Instant start,
      TaskResult result,
      String delegate,
      boolean ignored,
      boolean noLog) {
    return finish(host, task, path, start, result, delegate, ignored, noLog, null);
  }

  private Outcome finish(
      HostRun host,
      ModuleTask task,
      String path,
      Instant start,
      TaskResult result,
      String delegate,
      boolean ignored,
      boolean noLog,
      Event.Resumed resumed) {
    Map<String, Object> reg = registered(result);
    String register = task.options().register();
    if (register != null) {
      host.facts.put(register, templater.hostData(reg));
    }
    Object facts = result.data().get("ansible_facts");
    if (facts instanceof Map<?, ?> m && !(result instanceof TaskResult.Failed)) {
      m.forEach((k, v) -> host.facts.put(String.valueOf(k), v));
      if (!Set.of("set_fact", "include_vars").contains(task.module())) {
        // A module's facts (setup, getent, ...) also go to the ansible_facts namespace, without
        // their ansible_ prefix, as Ansible keeps them (ansible_facts.hostname).
        Map<String, Object> ns = new LinkedHashMap<>();
        if (host.facts.get("ansible_facts") instanceof Map<?, ?> old) {
          old.forEach((k, v) -> ns.put(String.valueOf(k), v));
        }
        m.forEach(
            (k, v) -> {
              String key = String.valueOf(k);
              ns.put(key.startsWith("ansible_") ? key.substring(8) : key, v);
            });
        host.facts.put("ansible_facts", ns);
      }
    }
    if (result instanceof TaskResult.Ok) {
      host.count(new HostStats(1, 0, 0, 0, 0, 0, 0));
    } else if (result instanceof TaskResult.Changed) {
      host.count(new HostStats(1, 1, 0, 0, 0, 0, 0));
      host.notified.addAll(task.options().notifies());
      if (Runner.moduleOf(setup.modules(), task.module()).onResume() == OnResume.SKIP) {
        // Work was done on this pair: what guarded it (a lock) stays for the resume.
        host.abandon.clear();
      }
    } else if (result instanceof TaskResult.Skipped) {
      host.count(new HostStats(0, 0, 0, 0, 1, 0, 0));
    } else if (result instanceof TaskResult.Failed && ignored) {
      // As Ansible counts an ignored failure: ok, ignored, and changed when it changed the host.
      host.count(new HostStats(1, failedButChanged(result) ? 1 : 0, 0, 0, 0, 0, 1));
    } else if (result instanceof TaskResult.Failed) {
      host.failed = true;
      host.lastFailure =
          Map.entry(
              Map.of("name", task.name(), "action", task.module(), "path", path),
              templater.hostData(reg));
      host.lockRefused = Boolean.TRUE.equals(result.data().get(dev.baton.modules.RunLock.LOCKED));
      host.count(new HostStats(0, 0, 0, 1, 0, 0, 0));
    } else if (result instanceof TaskResult.Unreachable) {
      host.unreachable = true;
      host.count(new HostStats(0, 0, 1, 0, 0, 0, 0));
    }
    emit.on(
        new Event.HostResult(
            Instant.now(),
            path,
            task.name(),
            host.name,
            safeForReports(result, noLog, host),
            ignored,
            noLog,
            Duration.between(start, Instant.now()),
            delegate,
            resumed));
    return new Outcome(result, reg);
  }

  /** The result as listeners may see it: no_log censored, secret values scrubbed. */
  private TaskResult safeForReports(TaskResult r, boolean noLog, HostRun host) {
    if (noLog) {
      Map<String, Object> data = TaskResult.data("censored", CENSORED);
      String msg = CENSORED;
      return withMsg(r, msg, data);
    }
    List<String> secrets = new ArrayList<>(Redaction.secretValues(hostVarsOf.apply(host.name)));
    secrets.addAll(Redaction.secretValues(setup.options().extraVars()));
    if (secrets.isEmpty()) {
      return r;
    }
    Map<String, Object> data = scrubMap(r.data(), secrets);
    return withMsg(r, Redaction.scrub(r.msg(), secrets), data);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> scrubMap(Map<String, Object> in, List<String> secrets) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach(
        (k, v) -> {
          if (Redaction.secretName(k)) {
            out.put(k, Redaction.MASK);
          } else if (v instanceof String s) {
            out.put(k, Redaction.scrub(s, secrets));
          } else if (v instanceof Map<?, ?> m) {
            out.put(k, scrubMap((Map<String, Object>) m, secrets));
          } else if (v instanceof List<?> l) {
            out.put(
                k,
                l.stream()
                    .map(x -> x instanceof String s ? Redaction.scrub(s, secrets) : x)
                    .toList());
          } else {
            out.put(k, v);
          }
        });
    return out;
  }

  private void restore(HostRun host, ModuleTask task, ResumeState.Done done) {
    if (task.options().register() != null && done.registered() != null) {
      host.facts.put(task.options().register(), templater.hostData(done.registered()));
    }
    Object facts = done.registered() == null ? null : done.registered().get("ansible_facts");
    if (facts instanceof Map<?, ?> m) {
      m.forEach((k, v) -> host.facts.put(String.valueOf(k), v));
    }
  }

  /** The map {@code register} stores: the module's data plus changed/failed/skipped/msg. */
  static Map<String, Object> registered(TaskResult r) {
    Map<String, Object> m = new LinkedHashMap<>(r.data());
    m.put("changed", r instanceof TaskResult.Changed || failedButChanged(r));
    m.put("failed", r instanceof TaskResult.Failed);
    if (r instanceof TaskResult.Skipped) {
      m.put("skipped", true);
    }
    if (r instanceof TaskResult.Unreachable) {
      m.put("unreachable", true);
    }
    if (r.msg() != null && !r.msg().isEmpty()) {
      m.putIfAbsent("msg", r.msg());
    }
    return m;
  }

  /**
   * A failure that changed the host, as Ansible's {@code command} reports a non-zero exit ({@code
   * "changed": true}): counted changed when {@code ignore_errors} or {@code failed_when} lets it
   * pass.
   */
  static boolean failedButChanged(TaskResult r) {
    return r instanceof TaskResult.Failed && Boolean.TRUE.equals(r.data().get("changed"));
  }

  static TaskResult withData(TaskResult r, Map<String, Object> data) {
    return withMsg(r, r.msg(), data);
  }

  static TaskResult withMsg(TaskResult r, String msg, Map<String, Object> data) {
    // Java 17 has no pattern switch; the chain covers the sealed interface's five cases.
    if (r instanceof TaskResult.Ok) {
      return new TaskResult.Ok(msg, data);
    } else if (r instanceof TaskResult.Changed) {
      return new TaskResult.Changed(msg, data);
    } else if (r instanceof TaskResult.Failed) {
      return new TaskResult.Failed(msg, data);
    } else if (r instanceof TaskResult.Skipped) {
      return new TaskResult.Skipped(msg, data);
    }
    return new TaskResult.Unreachable(msg, data);
  }

  /** A connection variable as Ansible's boolean(); a value it would refuse counts as false. */
  private static boolean truthy(Object o) {
    return Boolean.TRUE.equals(AnsibleBool.parse(o));
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  private static void sleep(int seconds) {
    try {
      Thread.sleep(seconds * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.baton.engine;

import dev.baton.core.Mark;
import dev.baton.modules.ModuleContext;
import dev.baton.ssh.Become;
import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import dev.baton.template.TemplateException;
import dev.baton.template.Templater;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/** The engine's {@link ModuleContext}: one task on one host (or on its delegate). */
final class TaskContext implements ModuleContext {
  private final String host;
  private final String connectTo;
  private final Connections connections;
  private final Map<String, Object> vars;
  private final Function<String, Map<String, Object>> varsOfOther;
  private final Templater templater;
  private final Mark mark;
  private final boolean check;
  private final Duration timeout;
  private final Become become;
  private final Map<String, String> environment;
  private final boolean noLog;
  private final dev.baton.core.SearchPath search;
  private final Progress progress;
  private final java.util.function.Consumer<Abandon> abandon;

  TaskContext(
      String host,
      String connectTo,
      Connections connections,
      Map<String, Object> vars,
      Function<String, Map<String, Object>> varsOfOther,
      Templater templater,
      Mark mark,
      boolean check,
      Duration timeout,
      Become become,
      Map<String, String> environment,
      dev.baton.core.SearchPath search,
      boolean noLog,
      Progress progress,
      java.util.function.Consumer<Abandon> abandon) {
    this.host = host;
    this.connectTo = connectTo;
    this.connections = connections;
    this.vars = vars;
    this.varsOfOther = varsOfOther;
    this.templater = templater;
    this.mark = mark;
    this.check = check;
    this.timeout = timeout;
    this.become = become;
    this.environment = environment;
    this.search = search;
    this.noLog = noLog;
    this.progress = progress;
    this.abandon = abandon;
  }

  @Override
  public Remote reconnect(String inventoryHost) throws RemoteException {
    String h = inventoryHost == null ? connectTo : inventoryHost;
    connections.drop(h);
    return connections.get(h);
  }

  @Override
  public void onAbandon(Abandon undo) {
    abandon.accept(undo);
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public String target() {
    return connectTo;
  }

  @Override
  public Remote remote() throws RemoteException {
    return connections.get(connectTo);
  }

  @Override
  public Remote remoteOf(String inventoryHost) throws RemoteException {
    return connections.get(inventoryHost);
  }

  @Override
  public Map<String, Object> varsOf(String inventoryHost) {
    return varsOfOther.apply(inventoryHost);
  }

  @Override
  public ExecResult exec(String commandLine) throws RemoteException {
    return exec(commandLine, ExecOptions.DEFAULT);
  }

  @Override
  public ExecResult exec(String commandLine, ExecOptions options) throws RemoteException {
    ExecOptions o = options;
    if (o.timeout() == null && timeout != null) {
      o = o.withTimeout(timeout);
    }
    if (o.become() == null && become != null) {
      o = o.withBecome(become);
    }
    if (!environment.isEmpty()) {
      Map<String, String> env = new java.util.LinkedHashMap<>(environment);
      env.putAll(o.env());
      o = o.withEnv(env);
    }
    return remote().exec(commandLine, o);
  }

  @Override
  public boolean checkMode() {
    return check;
  }

  @Override
  public Map<String, Object> vars() {
    return vars;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public boolean test(String condition) throws TemplateException {
    return templater.test(condition, vars, mark);
  }

  @Override
  public String render(String text) throws TemplateException {
    Object out = templater.render(text, vars, mark);
    return out == null ? "" : dev.baton.template.PythonText.str(out);
  }

  @Override
  public Path playbookDir() {
    return search.playDir();
  }

  @Override
  public dev.baton.core.SearchPath searchPath() {
    return search;
  }

  @Override
  public boolean noLog() {
    return noLog;
  }

  @Override
  public Progress progress() {
    return progress;
  }
}

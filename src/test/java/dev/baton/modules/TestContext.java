package dev.baton.modules;

import dev.baton.core.Mark;
import dev.baton.ssh.Become;
import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import dev.baton.template.JinjavaTemplater;
import dev.baton.template.TemplateException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A ModuleContext for module tests: one real remote, the run's templater, recorded progress. */
final class TestContext implements ModuleContext {
  private final Remote remote;
  private final Path playbookDir;
  private final Map<String, Object> vars = new HashMap<>();
  private final JinjavaTemplater templater = new JinjavaTemplater();
  final List<String> progress = new ArrayList<>();
  boolean check;
  Duration timeout;
  Become become;

  TestContext(Remote remote, Path playbookDir) {
    this.remote = remote;
    this.playbookDir = playbookDir;
  }

  TestContext checkMode(boolean on) {
    this.check = on;
    return this;
  }

  TestContext var(String name, Object value) {
    vars.put(name, value);
    return this;
  }

  @Override
  public String host() {
    return remote.host();
  }

  @Override
  public Remote remote() {
    return remote;
  }

  @Override
  public Remote remoteOf(String inventoryHost) throws RemoteException {
    throw new RemoteException(RemoteException.Kind.OTHER, inventoryHost, "single-host test");
  }

  @Override
  public Map<String, Object> varsOf(String inventoryHost) {
    return Map.of();
  }

  @Override
  public ExecResult exec(String commandLine) throws RemoteException {
    return exec(commandLine, ExecOptions.DEFAULT);
  }

  @Override
  public ExecResult exec(String commandLine, ExecOptions options) throws RemoteException {
    ExecOptions o = options.withTimeout(timeout);
    return remote.exec(commandLine, o.become() == null ? o.withBecome(become) : o);
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
    return templater.test(condition, vars, new Mark("test.yml", 1, 1));
  }

  @Override
  public Path playbookDir() {
    return playbookDir;
  }

  @Override
  public Progress progress() {
    return (what, done, total, unit) -> progress.add(what + " " + done + "/" + total + unit);
  }
}

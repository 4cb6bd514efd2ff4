package dev.baton.testkit;

import dev.baton.modules.ModuleContext;
import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A ModuleContext for module tests: one current host plus named other hosts, each with its own
 * variables; records every progress report and every command line run on the current host.
 */
public final class TestContext implements ModuleContext {
  private final String host;
  private final Map<String, Remote> remotes = new HashMap<>();
  private final Map<String, Map<String, Object>> vars = new HashMap<>();
  private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
  private final List<String> progressLines = Collections.synchronizedList(new ArrayList<>());
  private boolean checkMode;
  private Path playbookDir = Path.of(".");

  public TestContext(String host, Remote remote, Map<String, Object> hostVars) {
    this.host = host;
    addHost(host, remote, hostVars);
  }

  public TestContext addHost(String name, Remote remote, Map<String, Object> hostVars) {
    remotes.put(name, remote);
    vars.put(name, new HashMap<>(hostVars));
    return this;
  }

  /** The same hosts seen from another one of them (the engine gives each host its context). */
  public TestContext on(String other) {
    TestContext c = new TestContext(other, remotes.get(other), vars.get(other));
    remotes.forEach((k, v) -> c.remotes.putIfAbsent(k, v));
    vars.forEach((k, v) -> c.vars.putIfAbsent(k, v));
    c.checkMode = checkMode;
    c.playbookDir = playbookDir;
    return c;
  }

  public TestContext checkMode(boolean on) {
    this.checkMode = on;
    return this;
  }

  public TestContext playbookDir(Path dir) {
    this.playbookDir = dir;
    return this;
  }

  public List<String> commands() {
    return commands;
  }

  public List<String> progressLines() {
    return progressLines;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public Remote remote() {
    return remotes.get(host);
  }

  @Override
  public Remote remoteOf(String inventoryHost) throws RemoteException {
    Remote r = remotes.get(inventoryHost);
    if (r == null) {
      throw new RemoteException(
          RemoteException.Kind.UNREACHABLE, inventoryHost, "no such host in the test inventory");
    }
    return r;
  }

  @Override
  public Map<String, Object> varsOf(String inventoryHost) {
    return vars.getOrDefault(inventoryHost, Map.of());
  }

  @Override
  public ExecResult exec(String commandLine) throws RemoteException {
    return exec(commandLine, ExecOptions.DEFAULT);
  }

  @Override
  public ExecResult exec(String commandLine, ExecOptions options) throws RemoteException {
    commands.add(commandLine);
    return remote().exec(commandLine, options);
  }

  @Override
  public boolean checkMode() {
    return checkMode;
  }

  @Override
  public Map<String, Object> vars() {
    return vars.get(host);
  }

  @Override
  public Duration timeout() {
    return null;
  }

  @Override
  public boolean test(String condition) {
    throw new UnsupportedOperationException("no templater in module tests");
  }

  @Override
  public Path playbookDir() {
    return playbookDir;
  }

  @Override
  public Progress progress() {
    return (what, done, total, unit) -> progressLines.add(what + " " + done + "/" + total + unit);
  }
}

package dev.baton.modules;

import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** What a module may use while it runs on one host. Built by the engine for each task. */
public interface ModuleContext {

  /** The inventory name of the host. */
  String host();

  /**
   * The inventory host the task's commands run on: the {@code delegate_to} host when there is one
   * (what messages must name), else {@link #host()}.
   */
  default String target() {
    return host();
  }

  /** The host's connection, opened on first use and reused by every task on the host. */
  Remote remote() throws RemoteException;

  /**
   * The connection of another inventory host, for work that spans two hosts (a transfer from the
   * secondary to the primary). Same persistent session the engine uses for that host.
   */
  Remote remoteOf(String inventoryHost) throws RemoteException;

  /** The variables of another inventory host (to find its address, paths, DLC). */
  Map<String, Object> varsOf(String inventoryHost);

  /**
   * Runs a command with the task's become and timeout applied. Modules use this rather than {@code
   * remote().exec} so that those settings are never forgotten.
   */
  ExecResult exec(String commandLine) throws RemoteException;

  /** As {@link #exec(String)}, with extra options (stdin, environment). */
  ExecResult exec(String commandLine, ExecOptions options) throws RemoteException;

  /** True in {@code --check}: report what would change, change nothing. */
  boolean checkMode();

  /**
   * Whether the task says {@code no_log}: a module that logs on the host (an Ansible module's
   * syslog line of its arguments) must not.
   */
  default boolean noLog() {
    return false;
  }

  /** The host's variables after templating (inventory, play, registered, facts). */
  Map<String, Object> vars();

  /** The task's timeout, or null. */
  Duration timeout();

  /**
   * Evaluates a bare condition against the host's variables ({@code assert}'s {@code that}, a
   * module's own wait condition). Errors name the task's file:line:col.
   */
  boolean test(String condition) throws dev.baton.template.TemplateException;

  /**
   * Renders a template's text with the host's variables, as the {@code template} module does on the
   * jump host; errors name the task's file:line:col.
   */
  default String render(String text) throws dev.baton.template.TemplateException {
    throw new UnsupportedOperationException("no templater in this context");
  }

  /** Directory of the playbook, against which relative {@code src} paths resolve. */
  Path playbookDir();

  /** Where the task's relative files are found: its role's directory first, if it is a role's. */
  default dev.baton.core.SearchPath searchPath() {
    return new dev.baton.core.SearchPath(java.util.Optional.empty(), playbookDir());
  }

  /** Where long work reports how far it got. */
  Progress progress();

  /**
   * A new connection to {@code inventoryHost} (null: this task's host), the old one closed: for a
   * module that rides out a lost link within its own retry budget. Contexts outside a run (unit
   * tests) hand back the same connection.
   */
  default Remote reconnect(String inventoryHost) throws RemoteException {
    return inventoryHost == null ? remote() : remoteOf(inventoryHost);
  }

  /**
   * Registers what undoes this task's effect if the host's run ends failed or unreachable before
   * any work (a change by a module that is not run again on resume) followed it: a run lock that
   * guarded nothing must not outlive a run that a changed host key or a dead link stopped (the
   * playbook's {@code always} does not run for an unreachable host). Contexts outside a run (unit
   * tests) have no run end and keep nothing.
   */
  default void onAbandon(Abandon undo) {}

  /** Undoes a task's effect at the end of an abandoned run; returns what it did, or null. */
  @FunctionalInterface
  interface Abandon {
    String undo() throws Exception;
  }

  /** Progress of long work; the reporter decides how to show it (live line, or nothing). */
  interface Progress {
    /** Reports {@code done} of {@code total} units (total < 0 when unknown). */
    void update(String what, long done, long total, String unit);

    Progress NONE = (what, done, total, unit) -> {};
  }
}

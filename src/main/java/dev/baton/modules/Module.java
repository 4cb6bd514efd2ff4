package dev.baton.modules;

import java.util.Map;

/**
 * One module: a unit of work a task names ({@code command}, {@code copy}, {@code openedge_backup},
 * ...). A module first reads the facts it needs from the host, decides, and changes only what
 * differs; it reports {@code ok} when nothing needed doing and says why.
 *
 * <p>Modules do not print: they return a {@link TaskResult} and may report progress through {@link
 * ModuleContext#progress}.
 */
public interface Module {

  /** The name tasks use for this module. */
  String name();

  /** The arguments the module accepts, checked when the playbook is loaded. */
  ArgSpec args();

  /**
   * Runs the module on one host. Arguments are already templated. Connection failures propagate as
   * {@link dev.baton.ssh.RemoteException} and become UNREACHABLE; every other failure is a {@link
   * TaskResult.Failed} with a message that names the command and what it printed.
   */
  TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception;

  /** What {@code baton resume} does with a step of this module that an earlier run finished. */
  default OnResume onResume() {
    return OnResume.SKIP;
  }
}

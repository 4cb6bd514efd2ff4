package dev.baton.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One host's state across the whole run: facts and registered results, and whether it has failed or
 * become unreachable (which removes it from every later task and play, as in Ansible).
 */
final class HostRun {
  final String name;

  /** set_fact results and registered values; they outrank play and task vars. */
  final Map<String, Object> facts = Collections.synchronizedMap(new LinkedHashMap<>());

  /** What changed tasks notified since the last flush: handler names or listen topics. */
  final java.util.Set<String> notified = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The last task that failed here ({name, path}) and its registered result, for rescue. */
  volatile Map.Entry<Map<String, Object>, Map<String, Object>> lastFailure;

  volatile boolean failed;
  volatile boolean unreachable;

  /** Failed because another run holds its lock: the run exits with the "locked" code. */
  volatile boolean lockRefused;

  /**
   * What to undo if this host's run ends failed or unreachable before any work: registered by
   * modules ({@link dev.baton.modules.ModuleContext#onAbandon}), cleared by the first work.
   */
  final java.util.List<Undo> abandon = Collections.synchronizedList(new java.util.ArrayList<>());

  /** An undo and the host (this one or a delegate) whose connection it uses. */
  record Undo(String on, dev.baton.modules.ModuleContext.Abandon action) {}

  private HostStats stats = HostStats.ZERO;

  HostRun(String name) {
    this.name = name;
  }

  /** meta: end_host ended this host's play (it is not failed; the next play runs on it). */
  volatile boolean ended;

  boolean active() {
    return !failed && !unreachable && !ended;
  }

  synchronized void count(HostStats delta) {
    stats = stats.plus(delta);
  }

  synchronized HostStats stats() {
    return stats;
  }
}

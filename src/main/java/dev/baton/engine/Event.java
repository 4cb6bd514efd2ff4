package dev.baton.engine;

import dev.baton.modules.TaskResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the engine tells its listeners. The engine never formats output; the console, the journal
 * and the JUnit report each turn these into their own form.
 */
public sealed interface Event {
  Instant at();

  /** A run began: which playbook, with which options, under which id. */
  record RunStarted(Instant at, String runId, String playbook, RunOptions options)
      implements Event {}

  /** A play began on the listed hosts (after --limit and before batching). */
  record PlayStarted(Instant at, int playIndex, String name, List<String> hosts) implements Event {}

  /**
   * A batch of a {@code serial} play began after the first: ansible-playbook shows the play's
   * banner again for it.
   */
  record BatchStarted(Instant at, int playIndex, int batch, String name, List<String> hosts)
      implements Event {}

  /** A task began on the listed hosts. {@code path} identifies it stably for resume. */
  record TaskStarted(Instant at, String path, String name, String module, List<String> hosts)
      implements Event {}

  /**
   * A task finished on one host. {@code data} is what {@code register} stores, already redacted
   * when the task is {@code no_log}. {@code ignored} when the failure was ignored; {@code rescued}
   * is reported separately. {@code resumed} is set when the result was restored from an earlier run
   * rather than made now.
   */
  record HostResult(
      Instant at,
      String path,
      String task,
      String host,
      TaskResult result,
      boolean ignored,
      boolean noLog,
      Duration duration,
      String delegatedTo,
      Resumed resumed)
      implements Event {}

  /** An {@code until} attempt failed on a host and the task runs again, {@code left} more times. */
  record Retry(Instant at, String host, String task, int left) implements Event {}

  /**
   * One item of a looping task finished on one host ({@code label} as the console shows it); the
   * task's own {@link HostResult} follows with every item's result under {@code results}.
   */
  record ItemResult(
      Instant at,
      String path,
      String task,
      String host,
      String label,
      TaskResult result,
      String delegatedTo)
      implements Event {}

  /**
   * A result restored by {@code baton resume}: the run that made it, and whether it did work there
   * (changed something with a module that is not asked again), which later resumes need to know.
   */
  record Resumed(String runId, boolean work) {}

  /** A block's rescue section recovered the host. */
  record HostRescued(Instant at, String path, String host) implements Event {}

  /** A task finished on every host it ran on. */
  record TaskFinished(Instant at, String path, String name, Duration duration) implements Event {}

  /** Long work on one host made progress (bytes of a transfer, polls of a wait). */
  record Progress(Instant at, String host, String what, long done, long total, String unit)
      implements Event {}

  /** Something the operator should read that is not a task result. */
  record Warning(Instant at, String message) implements Event {}

  /** The run ended; {@code stats} per host, {@code exitCode} as documented in the README. */
  record RunFinished(Instant at, Map<String, HostStats> stats, int exitCode, Duration duration)
      implements Event {}
}

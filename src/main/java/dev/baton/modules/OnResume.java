package dev.baton.modules;

/** What {@code baton resume} does with a step of a module that an earlier run finished. */
public enum OnResume {
  /** Not done twice: its result and registered values are restored (work: backups, copies). */
  SKIP,
  /**
   * Asked again, as the world may have changed since (the operator fixed what a check refused, or
   * broke what it allowed), unless the earlier run went on to do work on the host after it: then
   * the check guarded that work and would now judge baton's own changes, so it is restored like a
   * {@link #SKIP} step. For modules that only read: facts, assertions.
   */
  CHECK_AGAIN,
  /** Always run again: its effect does not outlast the run that made it (a run lock). */
  RUN_AGAIN
}

package dev.baton.engine;

/**
 * baton's exit codes: one meaning each, documented in the README, so that a runbook can act on them
 * without parsing output.
 */
public final class ExitCodes {
  /** Every task on every host succeeded (or its failure was ignored). */
  public static final int OK = 0;

  /** baton itself failed unexpectedly (a bug): the message says where. */
  public static final int INTERNAL = 1;

  /** One or more hosts failed a task. */
  public static final int HOST_FAILED = 2;

  /** No host failed, but one or more could not be reached (or lost its connection). */
  public static final int HOST_UNREACHABLE = 3;

  /** The playbook, inventory or a vars file is invalid; nothing ran on any host. */
  public static final int BAD_INPUT = 4;

  /** The command line itself is wrong (unknown option, missing argument). */
  public static final int USAGE = 5;

  /** Another run holds the lock of a site pair or of the run being resumed. */
  public static final int LOCKED = 6;

  /** The run to resume does not exist or its journal cannot be read. */
  public static final int NO_SUCH_RUN = 7;

  /** The operator interrupted the run (Ctrl-C / SIGTERM); resume it with baton resume. */
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}
}

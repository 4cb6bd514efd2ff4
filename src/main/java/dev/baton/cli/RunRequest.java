package dev.baton.cli;

import java.util.List;

/**
 * What the operator asked for, in the form it was asked (raw {@code -e} strings), so that a resumed
 * run can ask it again.
 *
 * @param resumeOf the run being resumed, or null
 */
record RunRequest(
    String playbook,
    List<String> inventories,
    String limit,
    List<String> tags,
    List<String> skipTags,
    List<String> extraVars,
    int forks,
    boolean check,
    String resumeOf) {}

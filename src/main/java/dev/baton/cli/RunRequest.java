package dev.baton.cli;

import java.util.List;

/**
 * What the operator asked for, in the form it was asked (raw {@code -e} strings), so that a resumed
 * run can ask it again.
 *
 * @param resumeOf the run being resumed, or null
 * @param connection {@code -u}, {@code --private-key}, {@code -b}, {@code --become-user} as {@code
 *     ansible_user}, {@code ansible_ssh_private_key_file}, {@code become}, {@code become_user}
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
    String resumeOf,
    java.util.Map<String, String> connection) {
  RunRequest {
    connection = connection == null ? java.util.Map.of() : java.util.Map.copyOf(connection);
  }
}

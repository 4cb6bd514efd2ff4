package dev.baton.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the command line decides about one run.
 *
 * @param limit host pattern further restricting every play ({@code --limit}), or null
 * @param extraVars {@code -e} variables, highest precedence
 * @param resumeFrom id of an earlier run whose completed steps are skipped, or null
 * @param connection the command line's connection settings ({@code -u}, {@code --private-key}:
 *     {@code ansible_user}, {@code ansible_ssh_private_key_file}), the lowest precedence, under the
 *     inventory's, as Ansible's
 * @param become {@code -b}: become where no play, block or task says (null: not given)
 * @param becomeUser {@code --become-user}: where no play, block or task says (null: not given)
 */
public record RunOptions(
    int forks,
    boolean check,
    String limit,
    Set<String> tags,
    Set<String> skipTags,
    Map<String, Object> extraVars,
    int verbosity,
    String resumeFrom,
    Map<String, Object> connection,
    Boolean become,
    String becomeUser) {
  public RunOptions {
    connection = connection == null ? Map.of() : Map.copyOf(connection);
    if (forks < 1) {
      throw new IllegalArgumentException("--forks must be at least 1, got " + forks);
    }
    tags = Set.copyOf(tags);
    skipTags = Set.copyOf(skipTags);
    extraVars = Map.copyOf(extraVars);
  }

  /** Options without command-line connection settings. */
  public RunOptions(
      int forks,
      boolean check,
      String limit,
      Set<String> tags,
      Set<String> skipTags,
      Map<String, Object> extraVars,
      int verbosity,
      String resumeFrom) {
    this(
        forks,
        check,
        limit,
        tags,
        skipTags,
        extraVars,
        verbosity,
        resumeFrom,
        Map.of(),
        null,
        null);
  }

  public static RunOptions defaults() {
    return new RunOptions(10, false, null, Set.of(), Set.of(), Map.of(), 0, null);
  }

  /** The same options, continuing an earlier run. */
  public RunOptions resuming(String runId) {
    return new RunOptions(
        forks,
        check,
        limit,
        tags,
        skipTags,
        extraVars,
        verbosity,
        runId,
        connection,
        become,
        becomeUser);
  }

  /** Extra-vars in a form safe to journal (values of secret-looking names masked). */
  public Map<String, Object> redactedExtraVars() {
    return Redaction.redactVars(extraVars);
  }

  List<String> describe() {
    return List.of("forks=" + forks, "check=" + check, "limit=" + limit);
  }
}

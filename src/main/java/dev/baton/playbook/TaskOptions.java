package dev.baton.playbook;

import java.util.List;
import java.util.Set;

/**
 * The keywords of a task or block other than its module. Conditions are kept as the expression
 * strings written in the playbook (Jinja expressions without braces); a list of conditions means
 * all must hold. Null means "not set": a block's options are inherited by its tasks where they do
 * not set their own.
 *
 * @param timeoutSeconds null when not set
 * @param delaySeconds seconds between {@code until} attempts
 * @param loop the task's loop, or null
 * @param notifies the handlers (names or listen topics) a change of this task notifies
 * @param listen a handler's topics (only in a play's handlers)
 */
public record TaskOptions(
    String register,
    List<String> when,
    List<String> failedWhen,
    List<String> changedWhen,
    String until,
    Integer retries,
    Integer delaySeconds,
    Boolean ignoreErrors,
    String delegateTo,
    Boolean runOnce,
    Boolean noLog,
    Set<String> tags,
    Integer timeoutSeconds,
    Boolean become,
    String becomeUser,
    java.util.Map<String, Object> vars,
    java.util.Map<String, Object> environment,
    Loop loop,
    List<String> notifies,
    List<String> listen) {

  public static final TaskOptions NONE =
      new TaskOptions(
          null,
          List.of(),
          List.of(),
          List.of(),
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          Set.of(),
          null,
          null,
          null,
          java.util.Map.of(),
          java.util.Map.of(),
          null,
          List.of(),
          List.of());

  public TaskOptions {
    when = List.copyOf(when);
    failedWhen = List.copyOf(failedWhen);
    changedWhen = List.copyOf(changedWhen);
    tags = Set.copyOf(tags);
    notifies = notifies == null ? List.of() : List.copyOf(notifies);
    listen = listen == null ? List.of() : List.copyOf(listen);
    vars = vars == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(vars);
    environment =
        environment == null
            ? java.util.Map.of()
            : java.util.Collections.unmodifiableMap(environment);
  }
}

package dev.baton.playbook;

import dev.baton.core.Mark;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One play. Values that may hold templates stay as parsed ({@code hosts}, {@code vars}) and are
 * rendered by the engine.
 *
 * @param serial batch sizes as written ("2", "30%"), empty for all hosts at once
 * @param maxFailPercentage null when not set
 * @param become null when not set on the play (inherit), else the play's choice
 * @param tags tags every task of the play inherits
 * @param environment environment variables every task of the play inherits
 * @param handlers the play's handlers, in order
 * @param flushAfter indices in {@code tasks} after which notified handlers run (the ends of
 *     pre_tasks and tasks); they run at the end of the play too
 * @param roles the play's roles, in order (their tasks are blocks in {@code tasks}); their defaults
 *     and vars are read when the play starts
 */
public record Play(
    String name,
    String hosts,
    Map<String, Object> vars,
    List<String> varsFiles,
    List<String> serial,
    Integer maxFailPercentage,
    boolean anyErrorsFatal,
    Boolean become,
    String becomeUser,
    List<Task> tasks,
    Mark mark,
    Set<String> tags,
    Map<String, Object> environment,
    List<Handler> handlers,
    List<Integer> flushAfter,
    List<Role> roles) {
  public Play {
    roles = roles == null ? List.of() : List.copyOf(roles);
    handlers = handlers == null ? List.of() : List.copyOf(handlers);
    flushAfter = flushAfter == null ? List.of() : List.copyOf(flushAfter);
    vars = vars == null ? Map.of() : java.util.Collections.unmodifiableMap(vars);
    varsFiles = List.copyOf(varsFiles);
    serial = List.copyOf(serial);
    tasks = List.copyOf(tasks);
    tags = tags == null ? Set.of() : Set.copyOf(tags);
    environment =
        environment == null ? Map.of() : java.util.Collections.unmodifiableMap(environment);
  }

  /**
   * The directory of the file the play was read from: {@code playbook_dir}, and where its relative
   * vars_files, templates and files are found (an imported playbook's own directory, as in
   * Ansible).
   */
  public java.nio.file.Path dir() {
    return java.nio.file.Path.of(mark.file()).toAbsolutePath().getParent();
  }

  /**
   * This play as {@code import_playbook} brings it in: the import's vars override the play's, its
   * tags are added to the play's.
   */
  Play imported(Map<String, Object> importVars, Set<String> importTags) {
    Map<String, Object> v = new java.util.LinkedHashMap<>(vars);
    v.putAll(importVars);
    Set<String> t = new java.util.LinkedHashSet<>(tags);
    t.addAll(importTags);
    return new Play(
        name,
        hosts,
        v,
        varsFiles,
        serial,
        maxFailPercentage,
        anyErrorsFatal,
        become,
        becomeUser,
        tasks,
        mark,
        t,
        environment,
        handlers,
        flushAfter,
        roles);
  }

  /** A play without handlers. */
  public Play(
      String name,
      String hosts,
      Map<String, Object> vars,
      List<String> varsFiles,
      List<String> serial,
      Integer maxFailPercentage,
      boolean anyErrorsFatal,
      Boolean become,
      String becomeUser,
      List<Task> tasks,
      Mark mark,
      Set<String> tags,
      Map<String, Object> environment) {
    this(
        name,
        hosts,
        vars,
        varsFiles,
        serial,
        maxFailPercentage,
        anyErrorsFatal,
        become,
        becomeUser,
        tasks,
        mark,
        tags,
        environment,
        List.of(),
        List.of(),
        List.of());
  }

  /** A play without play-level tags or environment. */
  public Play(
      String name,
      String hosts,
      Map<String, Object> vars,
      List<String> varsFiles,
      List<String> serial,
      Integer maxFailPercentage,
      boolean anyErrorsFatal,
      Boolean become,
      String becomeUser,
      List<Task> tasks,
      Mark mark) {
    this(
        name,
        hosts,
        vars,
        varsFiles,
        serial,
        maxFailPercentage,
        anyErrorsFatal,
        become,
        becomeUser,
        tasks,
        mark,
        Set.of(),
        Map.of());
  }
}

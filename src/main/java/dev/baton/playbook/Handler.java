package dev.baton.playbook;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A task of a play's {@code handlers} or of a role's {@code handlers/main.yml}: it runs on a host
 * only when a changed task notified it, by its name or one of its {@code listen} topics, once per
 * flush, in the order of the handlers list.
 *
 * @param roles for a role's handler, its role and the roles that depend on it, outermost first: it
 *     runs with their variables
 * @param roleOptions the keywords of each of those role invocations (their {@code when}, tags, ...)
 * @param group which handlers file it came from, in load order (each role run's, then the play's):
 *     a name notifies one handler, the first in the last group that has it, as ansible-core 2.14
 *     looks it up
 */
public record Handler(
    ModuleTask task,
    List<String> listen,
    List<Role> roles,
    List<TaskOptions> roleOptions,
    int group) {
  public Handler {
    listen = List.copyOf(listen);
    roles = List.copyOf(roles);
    roleOptions = List.copyOf(roleOptions);
  }

  /** A handler of the play itself. */
  public Handler(ModuleTask task, List<String> listen) {
    this(task, listen, List.of(), List.of(), 0);
  }

  Handler inGroup(int g) {
    return new Handler(task, listen, roles, roleOptions, g);
  }

  /**
   * True when {@code name} names this handler: a role's handler answers to its name with and
   * without the role's prefix ({@code restart}, {@code web : restart}).
   */
  public boolean named(String name) {
    return task.name().equals(name)
        || (!roles.isEmpty()
            && task.name().equals(roles.get(roles.size() - 1).name() + " : " + name));
  }

  /** True when {@code notified} names this handler or one of its topics. */
  public boolean answers(String notified) {
    return named(notified) || listen.contains(notified);
  }

  /**
   * The handlers (indices into {@code handlers}) that these notifications run: for each name the
   * first handler so named in the last group that has one; every handler listening to a topic.
   */
  public static Set<Integer> notifiedBy(List<Handler> handlers, Set<String> notified) {
    Set<Integer> out = new LinkedHashSet<>();
    for (String n : notified) {
      int chosen = -1;
      for (int i = 0; i < handlers.size(); i++) {
        Handler h = handlers.get(i);
        if (h.named(n) && (chosen < 0 || h.group > handlers.get(chosen).group)) {
          chosen = i;
        }
      }
      if (chosen >= 0) {
        out.add(chosen);
      }
      for (int i = 0; i < handlers.size(); i++) {
        if (handlers.get(i).listen.contains(n)) {
          out.add(i);
        }
      }
    }
    return out;
  }
}

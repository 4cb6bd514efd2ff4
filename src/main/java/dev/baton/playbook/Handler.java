package dev.baton.playbook;

import java.util.List;

/**
 * A task of a play's {@code handlers}: it runs on a host only when a changed task notified it, by
 * its name or one of its {@code listen} topics, once per flush, in the order of the handlers list.
 */
public record Handler(ModuleTask task, List<String> listen) {
  public Handler {
    listen = List.copyOf(listen);
  }

  /** True when {@code notified} names this handler or one of its topics. */
  public boolean answers(String notified) {
    return task.name().equals(notified) || listen.contains(notified);
  }
}

package dev.baton.playbook;

import dev.baton.core.Mark;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code block} / {@code rescue} / {@code always}, with options inherited by its tasks.
 *
 * @param role the role whose tasks these are (its dependencies' blocks first), else null
 */
public record Block(
    String name,
    List<Task> block,
    List<Task> rescue,
    List<Task> always,
    TaskOptions options,
    Mark mark,
    Role role)
    implements Task {
  /** A block that is not a role's. */
  public Block(
      String name,
      List<Task> block,
      List<Task> rescue,
      List<Task> always,
      TaskOptions options,
      Mark mark) {
    this(name, block, rescue, always, options, mark, null);
  }

  public Block {
    block = List.copyOf(block);
    rescue = List.copyOf(rescue);
    always = List.copyOf(always);
  }

  @Override
  public List<Task> flatten() {
    List<Task> all = new ArrayList<>();
    all.add(this);
    for (List<Task> part : List.of(block, rescue, always)) {
      for (Task t : part) {
        all.addAll(t.flatten());
      }
    }
    return all;
  }
}

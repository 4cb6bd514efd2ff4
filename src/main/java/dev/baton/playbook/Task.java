package dev.baton.playbook;

import dev.baton.core.Mark;
import java.util.List;

/** An entry of a play's task list: a module call or a block. */
public sealed interface Task permits ModuleTask, Block {
  /** The task's name, or a name derived from its module when it has none. */
  String name();

  TaskOptions options();

  Mark mark();

  /** Every task and block in this subtree, depth first (used by --list-tasks and tags). */
  default List<Task> flatten() {
    return List.of(this);
  }
}

package dev.baton.inventory;

import dev.baton.core.Mark;

/**
 * An inventory that cannot be used, or a host pattern that cannot be evaluated. The message is one
 * line that starts with {@code file:line:col} when the problem is in a file.
 */
public final class InventoryException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Mark mark;

  public InventoryException(Mark mark, String message) {
    super(mark == null || mark.equals(Mark.NONE) ? message : mark + ": " + message);
    this.mark = mark == null ? Mark.NONE : mark;
  }

  /** Where the problem is, or {@link Mark#NONE} when it is not in a file (a host pattern). */
  public Mark mark() {
    return mark;
  }
}

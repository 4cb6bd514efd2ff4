package dev.baton.playbook;

import dev.baton.core.Mark;

/**
 * A playbook, inventory or vars file that cannot be used. The message is one line that starts with
 * {@code file:line:col}; {@link #snippet()} shows the offending line with a caret under the column,
 * for the console.
 */
public final class PlaybookException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Mark mark;
  private final String snippet;

  public PlaybookException(Mark mark, String message, String snippet) {
    super(mark + ": " + message);
    this.mark = mark;
    this.snippet = snippet == null ? "" : snippet;
  }

  public Mark mark() {
    return mark;
  }

  public String snippet() {
    return snippet;
  }
}

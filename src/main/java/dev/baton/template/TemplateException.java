package dev.baton.template;

import dev.baton.core.Mark;

/** A template or condition that cannot be evaluated; the message starts with file:line:col. */
public final class TemplateException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Mark mark;

  public TemplateException(Mark mark, String message) {
    super(mark + ": " + message);
    this.mark = mark;
  }

  public Mark mark() {
    return mark;
  }
}

package dev.baton.core;

/** A place in a source file, 1-based, as shown in errors: {@code file:line:col}. */
public record Mark(String file, int line, int column) {
  public static final Mark NONE = new Mark("<unknown>", 0, 0);

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}

package dev.baton.template;

import com.hubspot.jinjava.util.HasObjectTruthValue;

/**
 * What a name that is not defined evaluates to, as Jinja2's StrictUndefined: it may be passed to
 * {@code default}, {@code mandatory} and the {@code defined}/{@code undefined} tests, or have
 * attributes taken (which are undefined too, as in Ansible); any other use (printing, comparing,
 * testing its truth, filtering) is an error naming the variable.
 */
final class Undefined implements HasObjectTruthValue {
  private final String name;
  private final StrictInterpreter owner;

  Undefined(String name, StrictInterpreter owner) {
    this.name = name;
    this.owner = owner;
  }

  String name() {
    return name;
  }

  /** The undefined attribute {@code attr} of this undefined value. */
  Undefined attribute(String attr) {
    return new Undefined(name + "." + attr, owner);
  }

  /** Records the first misuse for the render's error, then stops evaluation. */
  UndefinedUse use() {
    return owner.undefinedUse(name);
  }

  @Override
  public boolean getObjectTruthValue() {
    throw use();
  }

  @Override
  public String toString() {
    throw use();
  }

  @Override
  public boolean equals(Object other) {
    if (other == this) {
      return true;
    }
    throw use();
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  /** Thrown when an undefined value is used; Jinjava may wrap it, the interpreter remembers it. */
  static final class UndefinedUse extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UndefinedUse(String name) {
      // The name comes from the template text and may span lines: the message stays one line.
      super("undefined variable '" + oneLine(name) + "'", null, false, false);
    }

    private static String oneLine(String name) {
      String s = name.replace("\r", "\\r").replace("\n", "\\n");
      return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
  }
}

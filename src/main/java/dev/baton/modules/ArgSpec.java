package dev.baton.modules;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments a module accepts, so that a playbook is validated before anything connects.
 *
 * @param params every accepted argument, by name
 * @param freeForm true when the module also takes a bare string ({@code command: ls -l}), stored
 *     under the argument {@code _raw_params}
 * @param anyArgs true for modules whose arguments are open-ended ({@code set_fact})
 * @param oneOfRequired groups of names of which at least one must be present
 */
public record ArgSpec(
    Map<String, Param> params, boolean freeForm, boolean anyArgs, List<Set<String>> oneOfRequired) {

  /** The value types a parameter may declare; templated strings are checked after rendering. */
  public enum Type {
    STRING,
    INT,
    BOOL,
    LIST,
    MAP,
    PATH,
    ANY
  }

  /** One argument: its type, whether it is required, and its default. */
  public record Param(Type type, boolean required, Object defaultValue) {}

  public static ArgSpec of(Map<String, Param> params) {
    return new ArgSpec(params, false, false, List.of());
  }

  public static Param required(Type type) {
    return new Param(type, true, null);
  }

  public static Param optional(Type type, Object defaultValue) {
    return new Param(type, false, defaultValue);
  }
}

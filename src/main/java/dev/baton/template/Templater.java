package dev.baton.template;

import dev.baton.core.Mark;
import java.util.Map;

/**
 * The one place that evaluates {@code {{ }}} expressions and conditions, in strict mode: an
 * undefined variable is an error naming the variable and the place it was used.
 */
public interface Templater {

  /**
   * Renders a value parsed from YAML: strings are templated, lists and maps recursively, other
   * values pass unchanged. A string that is exactly one expression ({@code "{{ x }}"}) yields the
   * expression's native value (a list stays a list), as in Ansible.
   */
  Object render(Object value, Map<String, Object> vars, Mark mark) throws TemplateException;

  /**
   * Marks what a host returned (a registered result) as data: a {@code {{ }}} inside command output
   * must never be evaluated, or a host could inject expressions into the run.
   */
  default Map<String, Object> hostData(Map<String, Object> hostOutput) {
    return hostOutput;
  }

  /** Evaluates a bare condition ({@code when: result.rc == 0}) to true or false. */
  boolean test(String condition, Map<String, Object> vars, Mark mark) throws TemplateException;
}

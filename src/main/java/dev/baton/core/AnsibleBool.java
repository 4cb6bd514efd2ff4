package dev.baton.core;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Ansible's {@code boolean()} ({@code module_utils.parsing.convert_bool}), the rule for module
 * arguments of type bool, playbook keywords and connection variables: {@code y yes on 1 true t} and
 * the numbers 1 and 1.0 are true, {@code n no off 0 false f} and 0 and 0.0 false, words compared
 * after strip and lower-case. Anything else is not a boolean; each caller says what that means for
 * it (an error naming the argument, mostly). Two other Ansible rules are deliberately not this one:
 * the {@code bool} filter ({@code yes on 1 true}, anything else false, in {@link AnsibleFilters})
 * and {@code set_fact}'s key=value form (only {@code yes no true false}).
 */
public final class AnsibleBool {
  private AnsibleBool() {}

  /** The value as a boolean, or null when Ansible's {@code boolean()} would refuse it. */
  public static Boolean parse(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      // 1 == 1.0 in Python: any integral or floating type that equals one of them.
      BigDecimal d;
      try {
        d = new BigDecimal(n.toString());
      } catch (NumberFormatException e) {
        return null; // NaN, Infinity
      }
      if (d.compareTo(BigDecimal.ONE) == 0) {
        return true;
      }
      return d.signum() == 0 ? false : null;
    }
    if (v instanceof CharSequence s) {
      return switch (s.toString().strip().toLowerCase(Locale.ROOT)) {
        case "y", "yes", "on", "1", "true", "t" -> true;
        case "n", "no", "off", "0", "false", "f" -> false;
        default -> null;
      };
    }
    return null;
  }
}

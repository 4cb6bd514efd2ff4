package dev.baton.template;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.util.ObjectTruthValue;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Ansible's tests: {@code defined}/{@code undefined} that see {@link Undefined}, the tests on
 * registered results ({@code failed}, {@code changed}, ...), and {@code search}/{@code match}.
 */
final class AnsibleTests {
  private AnsibleTests() {}

  static void registerAll(Context context) {
    context.registerExpTest(new Simple("defined", v -> !(v instanceof Undefined)));
    context.registerExpTest(new Simple("undefined", v -> v instanceof Undefined));
    context.registerExpTest(new Simple("none", v -> v == null));
    for (String name : List.of("failed", "failure")) {
      context.registerExpTest(new Result(name, r -> flag(r, "failed")));
    }
    for (String name : List.of("succeeded", "success")) {
      context.registerExpTest(new Result(name, r -> !flag(r, "failed")));
    }
    context.registerExpTest(new Result("changed", r -> flag(r, "changed")));
    context.registerExpTest(new Result("skipped", r -> flag(r, "skipped")));
    context.registerExpTest(new Regex("search", false));
    context.registerExpTest(new Regex("match", true));
    context.registerExpTest(new In());
  }

  private static boolean flag(Map<?, ?> result, String key) {
    return ObjectTruthValue.evaluate(result.get(key));
  }

  private record Simple(String getName, Predicate<Object> test) implements ExpTest {
    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
      return test.test(var);
    }
  }

  /** A test on a registered result: a mapping with {@code failed}, {@code changed}, ... */
  private record Result(String getName, Predicate<Map<?, ?>> test) implements ExpTest {
    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
      Object v = AnsibleFilters.unwrap(var);
      if (!(v instanceof Map<?, ?> map)) {
        throw new AnsibleFilters.FilterError(
            "the '"
                + getName
                + "' test expects a registered result, got "
                + AnsibleFilters.typeName(v));
      }
      return test.test(map);
    }
  }

  /** {@code search(pattern)} finds the pattern anywhere; {@code match} only at the start. */
  private record Regex(String getName, boolean anchored) implements ExpTest {
    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
      if (args.length < 1) {
        throw new AnsibleFilters.FilterError("the '" + getName + "' test needs a pattern");
      }
      String regex = String.valueOf(args[0]);
      var m = AnsibleFilters.pattern(regex, Map.of()).matcher(var == null ? "" : var.toString());
      return anchored ? m.lookingAt() : m.find();
    }
  }

  /** {@code x is in(list)}: membership in a list, a mapping's keys, or a string. */
  private static final class In implements ExpTest {
    @Override
    public String getName() {
      return "in";
    }

    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
      if (args.length < 1) {
        throw new AnsibleFilters.FilterError("the 'in' test needs a list to look in");
      }
      Object container = AnsibleFilters.unwrap(args[0]);
      if (container instanceof Map<?, ?> map) {
        return map.containsKey(var);
      }
      if (container instanceof Collection<?> c) {
        return c.stream().anyMatch(item -> same(item, var));
      }
      if (container instanceof String s) {
        return var != null && s.contains(var.toString());
      }
      throw new AnsibleFilters.FilterError(
          "the 'in' test expects a list, mapping or string, got "
              + AnsibleFilters.typeName(container));
    }

    private static boolean same(Object a, Object b) {
      if (a instanceof Number x && b instanceof Number y) {
        return x.doubleValue() == y.doubleValue();
      }
      return java.util.Objects.equals(a, b);
    }
  }
}

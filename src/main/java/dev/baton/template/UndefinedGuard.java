package dev.baton.template;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.SafeString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Wraps every filter and test so that an undefined input or argument is an error naming it, except
 * for the few that exist to handle undefined values. Without this, Jinjava's filters would quietly
 * turn an undefined name into "" or 0.
 */
final class UndefinedGuard {
  private static final Set<String> TOLERANT_FILTERS = Set.of("default", "d", "mandatory");
  private static final Set<String> TOLERANT_TESTS = Set.of("defined", "undefined");

  private UndefinedGuard() {}

  static void wrapAll(Context context) {
    List<Filter> filters = new ArrayList<>(context.getAllFilters());
    for (Filter f : filters) {
      if (!TOLERANT_FILTERS.contains(f.getName())) {
        context.registerFilter(new GuardedFilter(f));
      }
    }
    List<ExpTest> tests = new ArrayList<>(context.getAllExpTests());
    for (ExpTest t : tests) {
      if (!TOLERANT_TESTS.contains(t.getName())) {
        context.registerExpTest(new GuardedTest(t));
      }
    }
  }

  static void check(Object value) {
    if (value instanceof Undefined u) {
      throw u.use();
    }
  }

  static void check(Object[] values) {
    if (values != null) {
      for (Object v : values) {
        check(v);
      }
    }
  }

  private record GuardedFilter(Filter delegate) implements Filter {
    @Override
    public String getName() {
      return delegate.getName();
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      check(var);
      return delegate.filter(var, interpreter, args);
    }

    @Override
    public Object filter(
        Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      check(var);
      check(args);
      check(kwargs.values().toArray());
      return delegate.filter(var, interpreter, args, kwargs);
    }

    @Override
    public Object filter(SafeString var, JinjavaInterpreter interpreter, String... args) {
      return delegate.filter(var, interpreter, args);
    }

    @Override
    public boolean preserveSafeString() {
      return delegate.preserveSafeString();
    }
  }

  private record GuardedTest(ExpTest delegate) implements ExpTest {
    @Override
    public String getName() {
      return delegate.getName();
    }

    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
      check(var);
      check(args);
      return delegate.evaluate(var, interpreter, args);
    }

    @Override
    public boolean evaluateNegated(Object var, JinjavaInterpreter interpreter, Object... args) {
      check(var);
      check(args);
      return delegate.evaluateNegated(var, interpreter, args);
    }
  }
}

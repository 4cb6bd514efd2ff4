package dev.baton.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.objects.PyWrapper;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.objects.collections.PyList;
import com.hubspot.jinjava.objects.collections.PyMap;
import com.hubspot.jinjava.util.ObjectTruthValue;
import dev.baton.core.Mark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The run's templater: HubSpot Jinjava with Ansible's strict-undefined semantics and filters. An
 * undefined variable is an error ({@code file:line:col: undefined variable 'x'}) unless it is given
 * to {@code default}, {@code mandatory} or the {@code defined}/{@code undefined} tests. Build one
 * per run; it is safe to use from many threads.
 */
public final class JinjavaTemplater implements Templater {
  private static final Pattern SINGLE_EXPRESSION =
      Pattern.compile("\\A\\s*\\{\\{(.*)}}\\s*\\z", Pattern.DOTALL);

  private static final Pattern QUOTED =
      // Possessive, so a long literal is one step rather than one stack frame per character.
      Pattern.compile("'(?:[^'\\\\]++|\\\\.)*+'|\"(?:[^\"\\\\]++|\\\\.)*+\"");
  private static final Pattern FILTER = Pattern.compile("\\|\\s*([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern TEST =
      Pattern.compile("\\bis\\s+(?:not\\s+)?([A-Za-z_][A-Za-z0-9_]*)");

  private static final int MAX_NESTING = 64;

  private final JinjavaConfig config;
  private final Jinjava jinjava;

  public JinjavaTemplater() {
    this.config =
        JinjavaConfig.newBuilder()
            .withElResolver(new StrictResolver())
            .withInterperterFactory(new StrictInterpreter.Factory())
            .withFailOnUnknownTokens(false)
            .withNestedInterpretationEnabled(false)
            .withTrimBlocks(true)
            .build();
    this.jinjava = new Jinjava(config);
    Context global = jinjava.getGlobalContext();
    AnsibleFilters.registerAll(global);
    AnsibleTests.registerAll(global);
    Lookups.registerAll(global);
    UndefinedGuard.wrapAll(global);
  }

  @Override
  public Object render(Object value, Map<String, Object> vars, Mark mark) throws TemplateException {
    try {
      return renderValue(value, vars, List.of());
    } catch (Problem p) {
      throw new TemplateException(mark, p.getMessage());
    }
  }

  @Override
  public boolean test(String condition, Map<String, Object> vars, Mark mark)
      throws TemplateException {
    String expr = condition.strip();
    Matcher single = SINGLE_EXPRESSION.matcher(expr);
    if (single.matches() && !single.group(1).contains("}}")) {
      expr = single.group(1).strip();
    }
    if (expr.isEmpty()) {
      throw new TemplateException(mark, "empty condition");
    }
    try {
      return ObjectTruthValue.evaluate(evaluate(expr, vars, List.of()));
    } catch (Problem p) {
      throw new TemplateException(mark, p.getMessage());
    }
  }

  /**
   * Marks data that must never be templated again, such as a registered result whose stdout came
   * from a host: {@code {{ }}} inside it stays text, as Ansible treats module output as unsafe.
   * Everything else a variable holds is templated when used, so {@code dir: /backup/{{ db }}}
   * works.
   */
  @Override
  public Map<String, Object> hostData(Map<String, Object> hostOutput) {
    return unsafe(hostOutput);
  }

  public static Map<String, Object> unsafe(Map<String, Object> data) {
    return new UnsafeMap(data);
  }

  /** A map whose strings, at any depth, are data rather than templates. */
  static final class UnsafeMap extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    UnsafeMap(Map<String, Object> data) {
      super(data);
    }
  }

  /**
   * A variable's value with the templates inside it rendered, as Ansible templates variables when
   * they are used. {@code lineage} holds the variables being resolved, to catch a loop.
   */
  Object resolveVariable(
      String name, Object value, Map<String, Object> vars, List<String> lineage) {
    if (lineage.contains(name)) {
      List<String> loop = new ArrayList<>(lineage.subList(lineage.indexOf(name), lineage.size()));
      loop.add(name);
      throw new Problem(
          "variable '" + name + "' refers to itself (" + String.join(" -> ", loop) + ")");
    }
    List<String> next = new ArrayList<>(lineage);
    next.add(name);
    return renderValue(value, vars, next);
  }

  /** True when a value holds a template somewhere, outside data marked unsafe. */
  static boolean needsRendering(Object value) {
    if (value instanceof String s) {
      return s.contains("{{") || s.contains("{%");
    }
    if (value instanceof UnsafeMap) {
      return false;
    }
    if (value instanceof Map<?, ?> map) {
      return map.values().stream().anyMatch(JinjavaTemplater::needsRendering);
    }
    if (value instanceof List<?> list) {
      return list.stream().anyMatch(JinjavaTemplater::needsRendering);
    }
    return false;
  }

  private Object renderValue(Object value, Map<String, Object> vars, List<String> lineage) {
    if (value instanceof String s) {
      return renderString(s, vars, lineage);
    }
    if (value instanceof UnsafeMap) {
      return value;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(renderValue(item, vars, lineage));
      }
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object key = e.getKey() instanceof String k ? renderString(k, vars, lineage) : e.getKey();
        out.put(key, renderValue(e.getValue(), vars, lineage));
      }
      return out;
    }
    return value;
  }

  private Object renderString(String s, Map<String, Object> vars, List<String> lineage) {
    if (!s.contains("{{") && !s.contains("{%") && !s.contains("{#")) {
      return s;
    }
    Matcher single = SINGLE_EXPRESSION.matcher(s);
    if (single.matches() && !single.group(1).contains("}}") && !single.group(1).contains("{{")) {
      return evaluate(single.group(1).strip(), vars, lineage);
    }
    checkAllNames(s);
    return run(vars, s, lineage, interpreter -> interpreter.render(s));
  }

  /**
   * Checks the names in every {@code {{ }}} and {@code {% %}} of {@code s}. A scan by indexOf
   * rather than a regex, because a regex retried at every one of thousands of unclosed {@code {{}
   * is quadratic: a hostile playbook line would take minutes.
   */
  private void checkAllNames(String s) {
    boolean expressions = true;
    boolean statements = true;
    int from = 0;
    while (true) {
      int e = expressions ? s.indexOf("{{", from) : -1;
      int t = statements ? s.indexOf("{%", from) : -1;
      if (e < 0 && t < 0) {
        return;
      }
      boolean expression = e >= 0 && (t < 0 || e < t);
      int start = expression ? e : t;
      int close = s.indexOf(expression ? "}}" : "%}", start + 2);
      if (close < 0) {
        if (expression) {
          expressions = false;
        } else {
          statements = false;
        }
        continue;
      }
      checkNames(s.substring(start + 2, close));
      from = close + 2;
    }
  }

  /**
   * Jinjava quietly yields nothing for a filter or test it does not know; a typo there must be an
   * error like any other, so names are checked before evaluating.
   */
  private void checkNames(String code) {
    String bare = QUOTED.matcher(code).replaceAll("''");
    int depth = 0;
    for (int i = 0; i < bare.length(); i++) {
      char c = bare.charAt(i);
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      }
      // Jinjava's parser backtracks on nested brackets: a few thousand hang it for minutes.
      if (depth > MAX_NESTING) {
        throw new Problem("brackets nested more than " + MAX_NESTING + " deep");
      }
    }
    Matcher f = FILTER.matcher(bare);
    while (f.find()) {
      if (jinjava.getGlobalContext().getFilter(f.group(1)) == null) {
        throw new Problem("unknown filter '" + f.group(1) + "'");
      }
    }
    Matcher t = TEST.matcher(bare);
    while (t.find()) {
      if (jinjava.getGlobalContext().getExpTest(t.group(1)) == null) {
        throw new Problem("unknown test '" + t.group(1) + "'");
      }
    }
  }

  /** Evaluates one expression to its native value. */
  private Object evaluate(String expr, Map<String, Object> vars, List<String> lineage) {
    checkNames(expr);
    return run(vars, expr, lineage, interpreter -> interpreter.resolveELExpression(expr, 1));
  }

  private interface Body {
    Object apply(StrictInterpreter interpreter);
  }

  private Object run(Map<String, Object> vars, String source, List<String> lineage, Body body) {
    Map<String, Object> bindings = new HashMap<>();
    for (Map.Entry<String, Object> e : vars.entrySet()) {
      if (e.getValue() != null) {
        bindings.put(e.getKey(), e.getValue());
      }
    }
    StrictInterpreter interpreter =
        new StrictInterpreter(
            jinjava,
            new Context(jinjava.getGlobalContext(), bindings),
            config,
            vars,
            this,
            lineage);
    JinjavaInterpreter.pushCurrent(interpreter);
    Object result;
    RuntimeException failure = null;
    try {
      result = normalize(body.apply(interpreter));
    } catch (RuntimeException e) {
      result = null;
      failure = e;
    } catch (StackOverflowError e) {
      // Jinjava's parser recurses once per nesting level; thousands of brackets exhaust the stack.
      throw new Problem("cannot evaluate '" + oneLine(source) + "': nested too deeply");
    } finally {
      JinjavaInterpreter.popCurrent();
    }
    String problem = interpreter.firstProblem();
    if (problem != null) {
      throw new Problem(problem);
    }
    for (TemplateError error : interpreter.getErrors()) {
      if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
        throw new Problem(describe(error, source));
      }
    }
    if (failure instanceof Problem p) {
      throw p;
    }
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof AnsibleFilters.FilterError f) {
        throw new Problem(f.getMessage());
      }
    }
    if (failure != null) {
      throw new Problem(
          "cannot evaluate '" + oneLine(source) + "': " + oneLine(failure.getMessage()));
    }
    return result;
  }

  /** Why a template failed, without the place; the public methods add the place. */
  static final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Problem(String message) {
      super(message, null, false, false);
    }
  }

  private static String describe(TemplateError error, String source) {
    for (Throwable c = error.getException(); c != null; c = c.getCause()) {
      if (c instanceof AnsibleFilters.FilterError f) {
        return f.getMessage();
      }
    }
    String message = error.getMessage() == null ? error.getReason().toString() : error.getMessage();
    return "cannot evaluate '" + oneLine(source) + "': " + oneLine(message);
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    // EL's conversion errors quote the value, which may be a secret; name only its type.
    String safe =
        COERCE
            .matcher(s)
            .replaceAll(
                m ->
                    Matcher.quoteReplacement(
                        "cannot use a " + simple(m.group(1)) + " as a " + simple(m.group(2))));
    String line = safe.strip().replaceAll("\\s*\\R\\s*", " ");
    // A hostile template can be megabytes; the message names it, it does not repeat it.
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  private static final Pattern COERCE =
      Pattern.compile(
          "Cannot coerce '.*?' of class ([\\w.$]+) to class ([\\w.$]+)(?: \\(incompatible value\\))?",
          Pattern.DOTALL);

  private static String simple(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  /** Jinjava's wrappers back to plain Java values; an undefined value inside is an error. */
  private static Object normalize(Object v) {
    if (v instanceof Undefined u) {
      throw u.use();
    }
    if (v instanceof PyMap m) {
      v = m.toMap();
    } else if (v instanceof PyList l) {
      v = l.toList();
    }
    if (v instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(normalize(e.getKey()), normalize(e.getValue()));
      }
      return out;
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(normalize(item));
      }
      return out;
    }
    if (v instanceof Object[] array) {
      return normalize(java.util.Arrays.asList(array));
    }
    if (v instanceof java.math.BigDecimal d) {
      if (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0) {
        try {
          v = d.longValueExact();
        } catch (ArithmeticException e) {
          return d.doubleValue();
        }
      } else {
        return d.doubleValue();
      }
    }
    if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      return l.intValue();
    }
    if (v instanceof SafeString || v instanceof PyWrapper) {
      return v.toString();
    }
    return v;
  }
}

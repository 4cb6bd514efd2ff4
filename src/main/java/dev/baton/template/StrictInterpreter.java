package dev.baton.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.objects.collections.PyList;
import com.hubspot.jinjava.objects.collections.PyMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Jinjava interpreter for one render that turns names it cannot find into {@link Undefined}
 * (rather than null) and remembers the first undefined value that was used, so the error names it
 * even when Jinjava wraps or swallows the exception.
 */
final class StrictInterpreter extends JinjavaInterpreter {
  /** Variables passed to the render; a name set to null there is defined (as None). */
  private final Map<String, Object> vars;

  /** Where each map or list was reached from ("result", "result.stat"), for error messages. */
  private final Map<Object, String> paths;

  private final StrictInterpreter root;
  private final JinjavaTemplater templater;
  private final List<String> lineage;

  /** Variables already rendered in this evaluation, so each is rendered once. */
  private final Map<String, Object> rendered = new java.util.HashMap<>();

  private String firstProblem;

  StrictInterpreter(
      Jinjava jinjava,
      Context context,
      JinjavaConfig config,
      Map<String, Object> vars,
      JinjavaTemplater templater,
      List<String> lineage) {
    super(jinjava, context, config);
    this.vars = vars;
    this.paths = new IdentityHashMap<>();
    this.root = this;
    this.templater = templater;
    this.lineage = lineage;
  }

  private StrictInterpreter(StrictInterpreter parent) {
    super(parent);
    this.vars = parent.vars;
    this.paths = parent.paths;
    this.root = parent.root;
    this.templater = parent.templater;
    this.lineage = parent.lineage;
  }

  /**
   * What {@code {{ }}} inside text writes: Python's {@code str()} for booleans, lists and dicts, as
   * Ansible writes them ({@link PythonText}); everything else as Jinjava writes it.
   */
  @Override
  public String getAsString(Object value) {
    if (value instanceof Boolean
        || value instanceof Map<?, ?>
        || value instanceof java.util.Collection<?>) {
      return PythonText.str(value);
    }
    return super.getAsString(value);
  }

  @Override
  public Object retraceVariable(String variable, int lineNumber, int startPosition) {
    Object value = super.retraceVariable(variable, lineNumber, startPosition);
    if (value == null && variable.equals("None") && !vars.containsKey(variable)) {
      return null; // Python's spelling of none, which Ansible users write
    }
    if (value == null && !vars.containsKey(variable) && !isBuiltin(variable)) {
      return new Undefined(variable, this);
    }
    // Jinjava hands back its own copy of a collection; the original says whether it is unsafe.
    Object original = vars.get(variable);
    if (templater != null
        && original != null
        && java.util.Objects.equals(original, value)
        && JinjavaTemplater.needsRendering(original)) {
      value = renderVariable(variable, original);
    }
    remember(value, variable);
    return value;
  }

  /** A variable's value with its own templates rendered (once per evaluation). */
  private Object renderVariable(String variable, Object value) {
    synchronized (root.rendered) {
      if (root.rendered.containsKey(variable)) {
        return root.rendered.get(variable);
      }
    }
    Object out;
    try {
      out = templater.resolveVariable(variable, value, vars, lineage);
    } catch (JinjavaTemplater.Problem p) {
      if (root.firstProblem == null) {
        root.firstProblem = p.getMessage();
      }
      throw p;
    }
    synchronized (root.rendered) {
      root.rendered.put(variable, out);
    }
    return out;
  }

  private static boolean isBuiltin(String variable) {
    return variable.startsWith("____") || variable.equals("loop");
  }

  /** Notes where a collection came from, so a missing key in it can be named. */
  void remember(Object value, String path) {
    Object key = unwrap(value);
    if (key instanceof Map || key instanceof List || key instanceof String) {
      synchronized (root.paths) {
        root.paths.putIfAbsent(key, path);
      }
    }
  }

  /** The path a collection was reached by, or null when it was built in the expression. */
  String pathOf(Object value) {
    synchronized (root.paths) {
      return root.paths.get(unwrap(value));
    }
  }

  private static Object unwrap(Object value) {
    if (value instanceof PyMap m) {
      return m.toMap();
    }
    if (value instanceof PyList l) {
      return l.toList();
    }
    return value;
  }

  Undefined.UndefinedUse undefinedUse(String name) {
    Undefined.UndefinedUse use = new Undefined.UndefinedUse(name);
    if (root.firstProblem == null) {
      root.firstProblem = use.getMessage();
    }
    return use;
  }

  /** The first problem Jinjava may have swallowed (an undefined variable used), or null. */
  String firstProblem() {
    return root.firstProblem;
  }

  /** Builds interpreters for Jinjava's nested renders (macros, includes) from a strict parent. */
  static final class Factory implements InterpreterFactory {
    @Override
    public JinjavaInterpreter newInstance(JinjavaInterpreter orig) {
      if (orig instanceof StrictInterpreter strict) {
        return new StrictInterpreter(strict);
      }
      return new JinjavaInterpreter(orig);
    }

    @Override
    public JinjavaInterpreter newInstance(Jinjava jinjava, Context context, JinjavaConfig config) {
      return new StrictInterpreter(jinjava, context, config, Map.of(), null, List.of());
    }
  }
}

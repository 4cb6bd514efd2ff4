package dev.baton.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.collections.PyList;
import com.hubspot.jinjava.objects.collections.PyMap;
import com.hubspot.jinjava.util.ObjectTruthValue;
import dev.baton.ssh.ShellQuote;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Ansible filters playbooks use that Jinjava lacks or defines differently ({@code default}
 * keeps a defined None, {@code bool} knows "yes", {@code regex_replace} takes {@code \1}).
 */
final class AnsibleFilters {
  private AnsibleFilters() {}

  static void registerAll(Context context) {
    for (Filter f :
        List.of(
            new Default("default"),
            new Default("d"),
            new Mandatory(),
            new Bool(),
            new ToInt(),
            new RegexSearch(),
            new RegexReplace(),
            new Basename(),
            new Dirname(),
            new Quote(),
            new ToJson("to_json", false),
            new ToJson("to_nice_json", true),
            new FromJson(),
            new Combine(),
            new Dict2Items(),
            new Items2Dict(),
            new Str(),
            new Join())) {
      context.registerFilter(f);
    }
  }

  /** A filter whose arguments are objects, not Jinjava's stringified form. */
  abstract static class ObjectFilter implements Filter {
    private final String name;

    ObjectFilter(String name) {
      this.name = name;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return filter(var, interpreter, (Object[]) args, Map.of());
    }

    @Override
    public abstract Object filter(
        Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs);

    static Object arg(Object[] args, Map<String, Object> kwargs, int i, String name, Object dflt) {
      if (kwargs.containsKey(name)) {
        return kwargs.get(name);
      }
      return args.length > i ? args[i] : dflt;
    }

    /** The text a filter works on: Python's {@code str()} of the value, as Ansible's to_text. */
    static String text(Object v) {
      return v == null ? "" : PythonText.str(v);
    }
  }

  /** {@code string}: Python's {@code str()}, so a list reads {@code ['a']} as in Ansible. */
  static final class Str extends ObjectFilter {
    Str() {
      super("string");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      if (var instanceof Undefined u) {
        throw u.use();
      }
      return PythonText.str(var);
    }
  }

  /** {@code join(d='', attribute=None)}: each item as Python's {@code str()} writes it. */
  static final class Join extends ObjectFilter {
    Join() {
      super("join");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      if (var instanceof Undefined u) {
        throw u.use();
      }
      String sep = text(arg(args, kw, 0, "d", ""));
      Object attribute = arg(args, kw, 1, "attribute", null);
      Iterable<?> items =
          var instanceof Iterable<?> it
              ? it
              : var instanceof Map<?, ?> m ? m.keySet() : List.of(text(var).split(""));
      StringBuilder b = new StringBuilder();
      boolean first = true;
      for (Object item : items) {
        if (!first) {
          b.append(sep);
        }
        first = false;
        Object v = attribute != null && item instanceof Map<?, ?> m ? m.get(attribute) : item;
        b.append(PythonText.str(v));
      }
      return b.toString();
    }
  }

  /** {@code default(value, boolean=false)}: replaces undefined, or also falsy when asked. */
  static final class Default extends ObjectFilter {
    Default(String name) {
      super(name);
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      Object dflt = arg(args, kw, 0, "default_value", "");
      boolean falsy = ObjectTruthValue.evaluate(arg(args, kw, 1, "boolean", false));
      if (var instanceof Undefined || (falsy && !ObjectTruthValue.evaluate(var))) {
        return dflt;
      }
      return var;
    }
  }

  /** {@code mandatory}: an undefined value is an error naming it. */
  static final class Mandatory extends ObjectFilter {
    Mandatory() {
      super("mandatory");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      if (var instanceof Undefined u) {
        throw u.use();
      }
      return var;
    }
  }

  static final class Bool extends ObjectFilter {
    Bool() {
      super("bool");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      if (var instanceof Boolean b) {
        return b;
      }
      if (var instanceof Number n) {
        return n.doubleValue() == 1;
      }
      String s = text(var).strip().toLowerCase(Locale.ROOT);
      return s.equals("yes") || s.equals("on") || s.equals("1") || s.equals("true");
    }
  }

  /** {@code int(default=0)}: Python's int() on text, the default when it is not a number. */
  static final class ToInt extends ObjectFilter {
    ToInt() {
      super("int");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      Object dflt = arg(args, kw, 0, "default", 0);
      if (var instanceof Boolean b) {
        return b ? 1L : 0L;
      }
      if (var instanceof Number n) {
        return n.longValue();
      }
      String s = text(var).strip();
      try {
        return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
      } catch (NumberFormatException e) {
        try {
          return (long) Double.parseDouble(s);
        } catch (NumberFormatException e2) {
          return dflt;
        }
      }
    }
  }

  /** {@code regex_search(pattern, ignorecase=false)}: the first match, or none. */
  static final class RegexSearch extends ObjectFilter {
    RegexSearch() {
      super("regex_search");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      Pattern p = pattern(text(arg(args, kw, 0, "regex", "")), kw);
      Matcher m = p.matcher(text(var));
      return m.find() ? m.group() : null;
    }
  }

  /** {@code regex_replace(pattern, replacement='')} with Python's {@code \1} back-references. */
  static final class RegexReplace extends ObjectFilter {
    private static final Pattern BACKREF = Pattern.compile("\\\\(\\d+)|\\\\g<(\\w+)>");

    RegexReplace() {
      super("regex_replace");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      Pattern p = pattern(text(arg(args, kw, 0, "pattern", "")), kw);
      String replacement = text(arg(args, kw, 1, "replacement", ""));
      StringBuilder java = new StringBuilder();
      Matcher m = BACKREF.matcher(replacement);
      int last = 0;
      while (m.find()) {
        java.append(Matcher.quoteReplacement(replacement.substring(last, m.start())));
        java.append(m.group(1) != null ? "$" + m.group(1) : "${" + m.group(2) + "}");
        last = m.end();
      }
      java.append(Matcher.quoteReplacement(replacement.substring(last)));
      return p.matcher(text(var)).replaceAll(java.toString());
    }
  }

  static Pattern pattern(String regex, Map<String, Object> kw) {
    boolean ignoreCase = ObjectTruthValue.evaluate(kw.get("ignorecase"));
    boolean multiline = ObjectTruthValue.evaluate(kw.get("multiline"));
    return Pattern.compile(
        regex.replace("(?P<", "(?<"),
        (ignoreCase ? Pattern.CASE_INSENSITIVE : 0) | (multiline ? Pattern.MULTILINE : 0));
  }

  /** Python's posixpath.basename: the part after the last slash. */
  static final class Basename extends ObjectFilter {
    Basename() {
      super("basename");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      String s = text(var);
      return s.substring(s.lastIndexOf('/') + 1);
    }
  }

  /** Python's posixpath.dirname: the part before the last slash, trailing slashes removed. */
  static final class Dirname extends ObjectFilter {
    Dirname() {
      super("dirname");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      String s = text(var);
      String head = s.substring(0, s.lastIndexOf('/') + 1);
      if (!head.isEmpty() && !head.chars().allMatch(c -> c == '/')) {
        head = head.replaceAll("/+$", "");
      }
      return head;
    }
  }

  /** {@code quote}: one POSIX shell word, the same quoting every command baton runs uses. */
  static final class Quote extends ObjectFilter {
    Quote() {
      super("quote");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      return ShellQuote.quote(text(var));
    }
  }

  /** {@code to_json} / {@code to_nice_json}, written as Python's json module writes them. */
  static final class ToJson extends ObjectFilter {
    private final boolean nice;

    ToJson(String name, boolean nice) {
      super(name);
      this.nice = nice;
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      int indent = nice ? ((Number) arg(args, kw, 0, "indent", 4)).intValue() : -1;
      StringBuilder out = new StringBuilder();
      PythonJson.write(out, var, indent, nice, 0);
      return out.toString();
    }
  }

  static final class FromJson extends ObjectFilter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    FromJson() {
      super("from_json");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      try {
        return MAPPER.readValue(text(var), Object.class);
      } catch (JsonProcessingException e) {
        throw new FilterError(
            "from_json: not valid JSON at column " + e.getLocation().getColumnNr());
      }
    }
  }

  /**
   * {@code dict2items(key_name='key', value_name='value')}: a mapping as a list of {key, value}
   * mappings in its order, as ansible-core's filter returns it; anything else is refused with its
   * message.
   */
  static final class Dict2Items extends ObjectFilter {
    Dict2Items() {
      super("dict2items");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      Object u = unwrap(var);
      if (!(u instanceof Map<?, ?> m)) {
        throw new FilterError("dict2items requires a dictionary, got " + typeName(u) + " instead.");
      }
      String k = String.valueOf(arg(args, kw, 0, "key_name", "key"));
      String v = String.valueOf(arg(args, kw, 1, "value_name", "value"));
      List<Object> out = new java.util.ArrayList<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put(k, e.getKey());
        item.put(v, e.getValue());
        out.add(item);
      }
      return out;
    }
  }

  /** {@code items2dict(key_name='key', value_name='value')}: the inverse of dict2items. */
  static final class Items2Dict extends ObjectFilter {
    Items2Dict() {
      super("items2dict");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      Object u = unwrap(var);
      if (!(u instanceof List<?> l)) {
        throw new FilterError("items2dict requires a list, got " + typeName(u) + " instead.");
      }
      String k = String.valueOf(arg(args, kw, 0, "key_name", "key"));
      String v = String.valueOf(arg(args, kw, 1, "value_name", "value"));
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Object o : l) {
        Object item = unwrap(o);
        if (!(item instanceof Map<?, ?> m) || !m.containsKey(k) || !m.containsKey(v)) {
          throw new FilterError(
              "items2dict requires each element to be a dictionary with the keys '"
                  + k
                  + "' and '"
                  + v
                  + "'");
        }
        out.put(m.get(k), m.get(v));
      }
      return out;
    }
  }

  /** {@code combine(dict, ..., recursive=false)}: later keys win. */
  static final class Combine extends ObjectFilter {
    Combine() {
      super("combine");
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
      boolean recursive = ObjectTruthValue.evaluate(kw.get("recursive"));
      Map<String, Object> out = new LinkedHashMap<>(asMap(var));
      for (Object a : args) {
        merge(out, asMap(a), recursive);
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, Map<String, Object> from, boolean deep) {
      for (Map.Entry<String, Object> e : from.entrySet()) {
        Object old = into.get(e.getKey());
        if (deep && old instanceof Map && e.getValue() instanceof Map) {
          Map<String, Object> nested = new LinkedHashMap<>((Map<String, Object>) unwrap(old));
          merge(nested, asMap(e.getValue()), true);
          into.put(e.getKey(), nested);
        } else {
          into.put(e.getKey(), e.getValue());
        }
      }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object v) {
      Object u = unwrap(v);
      if (u instanceof Map) {
        return (Map<String, Object>) u;
      }
      throw new FilterError("combine expects mappings, got " + typeName(u));
    }
  }

  /** A filter or test used on a value it cannot take; the message is shown to the user as is. */
  static final class FilterError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FilterError(String message) {
      super(message, null, false, false);
    }
  }

  static Object unwrap(Object v) {
    if (v instanceof PyMap m) {
      return m.toMap();
    }
    if (v instanceof PyList l) {
      return l.toList();
    }
    return v;
  }

  /** A value's kind for an error message; never the value itself, which may be a secret. */
  static String typeName(Object v) {
    if (v == null) {
      return "none";
    }
    if (v instanceof Map) {
      return "a mapping";
    }
    if (v instanceof List) {
      return "a list";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof Number) {
      return "a number";
    }
    return "a string";
  }

  /** JSON text with Python's separators and escapes, so output matches what Ansible prints. */
  static final class PythonJson {
    private PythonJson() {}

    static void write(StringBuilder out, Object v, int indent, boolean sortKeys, int depth) {
      v = unwrap(v);
      if (v == null) {
        out.append("null");
      } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
        out.append(v);
      } else if (v instanceof Number n) {
        out.append(n);
      } else if (v instanceof Map<?, ?> map) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (sortKeys) {
          entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
        }
        if (entries.isEmpty()) {
          out.append("{}");
          return;
        }
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
          separate(out, i, indent, depth + 1);
          string(out, String.valueOf(entries.get(i).getKey()));
          out.append(": ");
          write(out, entries.get(i).getValue(), indent, sortKeys, depth + 1);
        }
        close(out, indent, depth);
        out.append('}');
      } else if (v instanceof Iterable<?> it) {
        List<Object> items = new ArrayList<>();
        it.forEach(items::add);
        if (items.isEmpty()) {
          out.append("[]");
          return;
        }
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
          separate(out, i, indent, depth + 1);
          write(out, items.get(i), indent, sortKeys, depth + 1);
        }
        close(out, indent, depth);
        out.append(']');
      } else {
        string(out, String.valueOf(v));
      }
    }

    private static void separate(StringBuilder out, int i, int indent, int depth) {
      if (i > 0) {
        out.append(indent < 0 ? ", " : ",");
      }
      if (indent >= 0) {
        out.append('\n').append(" ".repeat(indent * depth));
      }
    }

    private static void close(StringBuilder out, int indent, int depth) {
      if (indent >= 0) {
        out.append('\n').append(" ".repeat(indent * depth));
      }
    }

    private static void string(StringBuilder out, String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          case '\b' -> out.append("\\b");
          case '\f' -> out.append("\\f");
          default -> {
            if (c < 0x20 || c > 0x7e) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      out.append('"');
    }
  }
}

package dev.baton.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of text files for hostile-input fuzzing: byte flips, YAML/INI/Jinja
 * metacharacters, duplicated and spliced lines, truncation, very long lines, deep nesting, huge
 * numbers and alias bombs. The same seed and corpus give the same mutations, so a failing case
 * reproduces from its printed seed.
 */
public final class Mutator {
  private static final String[] TOKENS = {
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    ":",
    ": ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&anchor ",
    "*anchor",
    "*nosuch",
    "!!tag ",
    "!!str ",
    "!!int ",
    "!!binary ",
    "!!python/object ",
    "!vault ",
    "!unsafe ",
    "<<: ",
    "<<: *anchor",
    "\t",
    "\0",
    "\r",
    "\n",
    "\n  ",
    "\n- ",
    "'",
    "\"",
    "\\",
    "#",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "? ",
    "|",
    ">",
    "|-\n",
    "=",
    "[all:vars]",
    "[group:children]",
    "[",
    "host[1:3]",
    "host[a:z]",
    "host[9:1]",
    "host[0:99999999999]",
    "ansible_port=x",
    ":::",
    "ansible_host=",
    "{{ x }}",
    "{{ undefined_var }}",
    "{% if %}",
    "{% for x in y %}",
    "{% endfor %}",
    "{% raw %}",
    "{{ 1/0 }}",
    "{{ x | nosuchfilter }}",
    "{{ x is nosuchtest }}",
    "{{ ''.getClass() }}",
    "{{ range(100000000) | list }}",
    "${x}",
    "$(x)",
    "`x`",
    "\u00e9",
    "\u2028",
    "\u0085",
    "\ufeff",
    "\ud83d\ude00",
    "\ud800",
    "\uffff",
    "\u202e",
    "9999999999999999999999999999999999999",
    "1e99999",
    "-0",
    "0x",
    "0o",
    "0b2",
    "1:2:3",
    ".inf",
    ".nan",
    "~",
    "null",
    "yes",
    "no",
    "on",
    "when: ",
    "hosts: ",
    "tasks:",
    "vars:",
    "block:",
    "name: ",
    "loop: ",
    "register: ",
    "command: ",
    "serial: ",
    "tags: ",
    "become: ",
    "delegate_to: ",
    "ignore_errors: ",
  };

  private final Random random;
  private final List<String> corpus;

  public Mutator(long seed, List<String> corpus) {
    this.random = new Random(seed);
    this.corpus = List.copyOf(corpus);
  }

  /** One to four stacked mutations of {@code text}. */
  public String mutate(String text) {
    String t = text;
    int rounds = 1 + random.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      t = once(t);
    }
    return t;
  }

  /** A corpus entry, chosen at random. */
  public String pick() {
    return corpus.get(random.nextInt(corpus.size()));
  }

  public Random random() {
    return random;
  }

  private String once(String t) {
    int op = random.nextInt(20);
    return switch (op) {
      case 0, 1 -> flip(t);
      case 2, 3, 4, 5 -> insert(t, TOKENS[random.nextInt(TOKENS.length)]);
      case 6 -> delete(t);
      case 7 -> duplicateLine(t);
      case 8 -> t.substring(0, random.nextInt(t.length() + 1));
      case 9 -> spliceLine(t, pick());
      case 10 -> insert(t, "x".repeat(1 + random.nextInt(200_000)));
      case 11 -> insert(t, nesting());
      case 12 -> insert(t, "9".repeat(1 + random.nextInt(5_000)));
      case 13 -> swapLines(t);
      case 14 -> reindent(t);
      case 15 -> insert(t, TOKENS[random.nextInt(TOKENS.length)] + TOKENS[random.nextInt(20)]);
      case 16 -> random.nextInt(8) == 0 ? aliasBomb() : insert(t, "&a " + "*a");
      case 17 -> insert(t, randomChars(1 + random.nextInt(16)));
      case 18 -> replaceValue(t);
      default -> t + "\n" + lines(pick()).get(0);
    };
  }

  private int pos(String t) {
    return random.nextInt(t.length() + 1);
  }

  private String flip(String t) {
    if (t.isEmpty()) {
      return randomChars(1);
    }
    int p = random.nextInt(t.length());
    return t.substring(0, p) + randomChars(1) + t.substring(p + 1);
  }

  private String insert(String t, String token) {
    int p = pos(t);
    return t.substring(0, p) + token + t.substring(p);
  }

  private String delete(String t) {
    if (t.isEmpty()) {
      return t;
    }
    int a = random.nextInt(t.length());
    int b = Math.min(t.length(), a + 1 + random.nextInt(40));
    return t.substring(0, a) + t.substring(b);
  }

  private static List<String> lines(String t) {
    List<String> l = new ArrayList<>(List.of(t.split("\n", -1)));
    if (l.isEmpty()) {
      l.add("");
    }
    return l;
  }

  private String duplicateLine(String t) {
    List<String> l = lines(t);
    int i = random.nextInt(l.size());
    l.add(Math.min(l.size(), i + 1 + random.nextInt(3)), l.get(i));
    return String.join("\n", l);
  }

  private String spliceLine(String t, String other) {
    List<String> l = lines(t);
    List<String> o = lines(other);
    int from = random.nextInt(o.size());
    int count = 1 + random.nextInt(Math.min(5, o.size() - from));
    l.addAll(random.nextInt(l.size() + 1), o.subList(from, from + count));
    return String.join("\n", l);
  }

  private String swapLines(String t) {
    List<String> l = lines(t);
    int a = random.nextInt(l.size());
    int b = random.nextInt(l.size());
    String x = l.get(a);
    l.set(a, l.get(b));
    l.set(b, x);
    return String.join("\n", l);
  }

  private String reindent(String t) {
    List<String> l = lines(t);
    int i = random.nextInt(l.size());
    String s = l.get(i);
    l.set(i, random.nextBoolean() ? " ".repeat(1 + random.nextInt(9)) + s : s.stripLeading());
    return String.join("\n", l);
  }

  private String replaceValue(String t) {
    List<String> l = lines(t);
    int i = random.nextInt(l.size());
    String s = l.get(i);
    int c = Math.max(s.indexOf(": "), s.indexOf('='));
    if (c < 0) {
      return t;
    }
    String[] values = {
      "",
      "[",
      "{",
      "[1, 2]",
      "{a: 1}",
      "~",
      "yes",
      "-1",
      "0",
      "1.5",
      "99999999999999999999",
      "\"{{ nosuch }}\"",
      "'{{'",
      "*nosuch",
      "!!binary x",
      "|",
      "'",
      "\"\\u\"",
      "\"\\x\"",
    };
    l.set(i, s.substring(0, c + 1) + " " + values[random.nextInt(values.length)]);
    return String.join("\n", l);
  }

  private String nesting() {
    int depth = 1 + random.nextInt(20_000);
    return switch (random.nextInt(6)) {
      case 0 -> "[".repeat(depth) + "]".repeat(random.nextInt(depth + 1));
      case 1 -> "{".repeat(depth);
      case 2 -> "{a: ".repeat(depth) + "}".repeat(random.nextInt(depth + 1));
      case 3 -> "- ".repeat(Math.min(depth, 3000));
      case 4 -> "{{ (".repeat(Math.min(depth, 3000)) + " }}";
      default -> {
        StringBuilder b = new StringBuilder("\n");
        for (int i = 0; i < Math.min(depth, 2000); i++) {
          b.append(" ".repeat(i)).append("k").append(i).append(":\n");
        }
        yield b.toString();
      }
    };
  }

  /** A document whose aliases expand exponentially (billion laughs), within any alias count. */
  public String aliasBomb() {
    int width = 2 + random.nextInt(8);
    int depth = 8 + random.nextInt(24);
    StringBuilder b = new StringBuilder("a0: &a0 [\"lol\"]\n");
    for (int i = 1; i <= depth; i++) {
      b.append('a').append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < width; j++) {
        b.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      b.append("]\n");
    }
    return b.toString();
  }

  private String randomChars(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(5);
      b.appendCodePoint(
          switch (kind) {
            case 0 -> random.nextInt(32);
            case 1 -> 32 + random.nextInt(95);
            case 2 -> 0x80 + random.nextInt(0x780);
            case 3 -> 0xD800 + random.nextInt(0x800); // lone surrogates
            default -> random.nextInt(0x110000);
          });
    }
    return b.toString();
  }
}

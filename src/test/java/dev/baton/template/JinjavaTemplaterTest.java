package dev.baton.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.Mark;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JinjavaTemplaterTest {
  private static final Mark AT = new Mark("site.yml", 12, 9);
  private final JinjavaTemplater t = new JinjavaTemplater();

  private Map<String, Object> vars() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("db", "sports");
    v.put("port", 20931);
    v.put("hosts", List.of("alpha", "beta"));
    v.put("opts", Map.of("dir", "/backup/sports", "compress", true));
    v.put("nothing", null);
    v.put("flag", "yes");
    v.put(
        "ok_result",
        Map.of(
            "failed",
            false,
            "changed",
            true,
            "skipped",
            false,
            "rc",
            0,
            "stdout",
            "Role: Primary"));
    v.put("bad_result", Map.of("failed", true, "changed", false, "rc", 2));
    v.put("skipped_result", Map.of("skipped", true, "changed", false));
    v.put("json", "{\"a\": [1, 2], \"b\": \"x\"}");
    v.put("path", "/db/sports/sports.db");
    v.put("name_with_space", "it's a db");
    return v;
  }

  private Object r(String s) throws TemplateException {
    return t.render(s, vars(), AT);
  }

  private boolean c(String s) throws TemplateException {
    return t.test(s, vars(), AT);
  }

  /**
   * Inside text, lists, dicts and booleans read as Python writes them; the expected line is what
   * ansible-playbook 2.14 printed for the same template and values.
   */
  /** lookup/query run on the jump host, as Ansible's do; an unknown plugin is an error. */
  @Test
  void lookupsReadTheJumpHost(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("files"));
    java.nio.file.Files.writeString(dir.resolve("files/motd.txt"), "hello\n\n");
    Map<String, Object> v = new java.util.HashMap<>();
    v.put("playbook_dir", dir.toString());
    v.put("site", "lima");
    assertThat(t.render("{{ lookup('file', 'motd.txt') }}!", v, AT)).isEqualTo("hello!");
    assertThat(t.render("{{ lookup('env', 'PATH') }}", v, AT)).isEqualTo(System.getenv("PATH"));
    assertThat(t.render("{{ lookup('pipe', 'echo a; echo b') }}", v, AT)).isEqualTo("a\nb");
    assertThat(t.render("{{ lookup('vars', 'site') }}", v, AT)).isEqualTo("lima");
    assertThat(t.render("{{ query('env', 'NO_SUCH_VAR_X', 'PATH') | length }}", v, AT))
        .isEqualTo(2);
    assertThatThrownBy(() -> t.render("{{ lookup('file', 'nope.txt') }}", v, AT))
        .hasMessageContaining("could not locate file in lookup: nope.txt");
    assertThatThrownBy(() -> t.render("{{ lookup('pipe', 'exit 3') }}", v, AT))
        .hasMessageContaining("lookup_plugin.pipe(exit 3) returned 3");
    assertThatThrownBy(() -> t.render("{{ lookup('dig', 'x') }}", v, AT))
        .hasMessageContaining("lookup plugin 'dig' is not one baton has");
  }

  @Test
  void containersAndBooleansInTextReadAsInAnsible() throws TemplateException {
    Map<String, Object> v = new java.util.HashMap<>();
    java.util.List<Object> l =
        new java.util.ArrayList<>(java.util.List.of("a", "it's", 1, 1.5, true));
    l.add(null);
    v.put("l", l);
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("k", java.util.List.of(true, "x"));
    m.put("n", 2);
    v.put("m", m);
    v.put("b", false);
    String template =
        "L={{ l }} M={{ m }} B={{ b }} S={{ l | string }} Q={{ l | quote }} J={{ [true] | join(',') }}";

    assertThat(t.render(template, v, AT))
        .isEqualTo(
            "L=['a', \"it's\", 1, 1.5, True, None] M={'k': [True, 'x'], 'n': 2} B=False"
                + " S=['a', \"it's\", 1, 1.5, True, None]"
                + " Q='['\"'\"'a'\"'\"', \"it'\"'\"'s\", 1, 1.5, True, None]' J=True");
  }

  @Test
  void singleExpressionKeepsNativeType() throws Exception {
    assertThat(r("{{ port }}")).isEqualTo(20931);
    assertThat(r("{{ hosts }}")).isEqualTo(List.of("alpha", "beta"));
    assertThat(r("{{ opts }}")).isEqualTo(Map.of("dir", "/backup/sports", "compress", true));
    assertThat(r("{{ opts.compress }}")).isEqualTo(true);
    assertThat(r("  {{ port + 1 }} ")).isEqualTo(20932);
    assertThat(r("{{ nothing }}")).isNull();
  }

  @Test
  void mixedTextIsAString() throws Exception {
    assertThat(r("{{ db }} on {{ port }}")).isEqualTo("sports on 20931");
    assertThat(r("port {{ port }}")).isEqualTo("port 20931");
    assertThat(r("plain")).isEqualTo("plain");
    assertThat(r("{% if opts.compress %}z{% endif %}")).isEqualTo("z");
  }

  @Test
  void rendersNestedListsAndMaps() throws Exception {
    Object out = t.render(Map.of("k", List.of("{{ db }}", 3)), vars(), AT);
    assertThat(out).isEqualTo(Map.of("k", List.of("sports", 3)));
  }

  @Test
  void undefinedVariableIsAnErrorWithMark() {
    assertThatThrownBy(() -> r("{{ dbx }}"))
        .isInstanceOf(TemplateException.class)
        .hasMessage("site.yml:12:9: undefined variable 'dbx'");
    assertThatThrownBy(() -> r("backup of {{ dbx }} done"))
        .hasMessage("site.yml:12:9: undefined variable 'dbx'");
    assertThatThrownBy(() -> r("{{ opts.missing }}"))
        .hasMessage("site.yml:12:9: undefined variable 'opts.missing'");
    assertThatThrownBy(() -> r("{{ db.name }}"))
        .hasMessage("site.yml:12:9: undefined variable 'db.name'");
    assertThatThrownBy(() -> r("{{ hosts.name }}"))
        .hasMessage("site.yml:12:9: undefined variable 'hosts.name'");
    assertThatThrownBy(() -> r("{{ dbx.name }}"))
        .hasMessage("site.yml:12:9: undefined variable 'dbx.name'");
    assertThatThrownBy(() -> r("{{ dbx | lower }}"))
        .hasMessage("site.yml:12:9: undefined variable 'dbx'");
    assertThatThrownBy(() -> c("dbx == 'a'")).hasMessage("site.yml:12:9: undefined variable 'dbx'");
    assertThatThrownBy(() -> c("dbx")).hasMessage("site.yml:12:9: undefined variable 'dbx'");
    assertThatThrownBy(() -> c("not dbx")).hasMessage("site.yml:12:9: undefined variable 'dbx'");
    assertThatThrownBy(() -> c("dbx == 1")).hasMessage("site.yml:12:9: undefined variable 'dbx'");
    assertThatThrownBy(() -> r("{{ dbx | length }}"))
        .hasMessage("site.yml:12:9: undefined variable 'dbx'");
    assertThatThrownBy(() -> r("{{ dbx | mandatory }}"))
        .hasMessage("site.yml:12:9: undefined variable 'dbx'");
    assertThatThrownBy(() -> r("{% for h in missing_list %}{{ h }}{% endfor %}"))
        .hasMessage("site.yml:12:9: undefined variable 'missing_list'");
  }

  @Test
  void defaultAndDefinedWorkOnUndefinedNames() throws Exception {
    assertThat(r("{{ dbx | default('v') }}")).isEqualTo("v");
    assertThat(r("{{ dbx | d(5) }}")).isEqualTo(5);
    assertThat(r("{{ dbx.name | default('n') }}")).isEqualTo("n");
    assertThat(r("{{ opts.missing | default('m') }}")).isEqualTo("m");
    assertThat(r("{{ db | default('v') }}")).isEqualTo("sports");
    assertThat(r("{{ nothing | default('v') }}")).isNull();
    assertThat(r("{{ '' | default('v', true) }}")).isEqualTo("v");
    assertThat(c("dbx is defined")).isFalse();
    assertThat(c("dbx is not defined")).isTrue();
    assertThat(c("dbx is undefined")).isTrue();
    assertThat(c("db is defined")).isTrue();
    assertThat(c("nothing is defined")).isTrue();
    assertThat(c("opts.missing is defined")).isFalse();
    assertThat(c("dbx is defined and dbx == 'a'")).isFalse();
    assertThat(c("dbx is not defined or dbx == 'a'")).isTrue();
  }

  @Test
  void filters() throws Exception {
    assertThat(r("{{ flag | bool }}")).isEqualTo(true);
    assertThat(r("{{ 'off' | bool }}")).isEqualTo(false);
    assertThat(r("{{ '42' | int + 1 }}")).isEqualTo(43);
    assertThat(r("{{ port | string }}")).isEqualTo("20931");
    assertThat(r("{{ hosts | length }}")).isEqualTo(2);
    assertThat(r("{{ hosts | join(',') }}")).isEqualTo("alpha,beta");
    assertThat(r("{{ 'AbC' | lower }}-{{ 'abc' | upper }}")).isEqualTo("abc-ABC");
    assertThat(r("[{{ '  x ' | trim }}]")).isEqualTo("[x]");
    assertThat(r("{{ db | replace('s', 'S') }}")).isEqualTo("SportS");
    assertThat(r("{{ ok_result.stdout | regex_search('Role: (\\\\w+)') }}"))
        .isEqualTo("Role: Primary");
    assertThat(r("{{ ok_result.stdout | regex_replace('Role: (\\\\w+)', '\\\\1!') }}"))
        .isEqualTo("Primary!");
    assertThat(r("{{ path | basename }}")).isEqualTo("sports.db");
    assertThat(r("{{ path | dirname }}")).isEqualTo("/db/sports");
    assertThat(r("{{ name_with_space | quote }}")).isEqualTo("'it'\"'\"'s a db'");
    assertThat(r("{{ db | quote }}")).isEqualTo("sports");
    assertThat(r("{{ hosts | to_json }}")).isEqualTo("[\"alpha\", \"beta\"]");
    assertThat(r("{{ {'b': 1, 'a': [1, 2]} | to_json }}")).isEqualTo("{\"b\": 1, \"a\": [1, 2]}");
    assertThat(r("{{ {'b': 1, 'a': 2} | to_nice_json }}"))
        .isEqualTo("{\n    \"a\": 2,\n    \"b\": 1\n}");
    assertThat(r("{{ json | from_json }}")).isEqualTo(Map.of("a", List.of(1, 2), "b", "x"));
    assertThat(r("{{ (json | from_json).a | first }}")).isEqualTo(1);
    assertThat(r("{{ hosts | first }}/{{ hosts | last }}")).isEqualTo("alpha/beta");
    assertThat(r("{{ hosts | select('match', 'al') | list }}")).isEqualTo(List.of("alpha"));
    assertThat(r("{{ hosts | map('upper') | list }}")).isEqualTo(List.of("ALPHA", "BETA"));
    assertThat(
            r("{{ [ok_result, bad_result] | selectattr('failed') | map(attribute='rc') | list }}"))
        .isEqualTo(List.of(2));
    assertThat(r("{{ opts | combine({'compress': false, 'x': 1}) }}"))
        .isEqualTo(Map.of("dir", "/backup/sports", "compress", false, "x", 1));
    assertThat(r("{{ db | mandatory }}")).isEqualTo("sports");
  }

  @Test
  void testsOnResultsAndStrings() throws Exception {
    assertThat(c("ok_result is succeeded")).isTrue();
    assertThat(c("ok_result is success")).isTrue();
    assertThat(c("ok_result is failed")).isFalse();
    assertThat(c("bad_result is failed")).isTrue();
    assertThat(c("bad_result is failure")).isTrue();
    assertThat(c("ok_result is changed")).isTrue();
    assertThat(c("bad_result is changed")).isFalse();
    assertThat(c("skipped_result is skipped")).isTrue();
    assertThat(c("ok_result is skipped")).isFalse();
    assertThat(c("ok_result.stdout is search('Primary')")).isTrue();
    assertThat(c("ok_result.stdout is match('Primary')")).isFalse();
    assertThat(c("ok_result.stdout is match('Role')")).isTrue();
    assertThat(c("'alpha' is in(hosts)")).isTrue();
    assertThat(c("'gamma' in hosts")).isFalse();
    assertThat(c("nothing is none")).isTrue();
    assertThat(c("db is none")).isFalse();
  }

  @Test
  void conditions() throws Exception {
    assertThat(c("ok_result.rc == 0")).isTrue();
    assertThat(c("bad_result.rc != 0 and port > 1000")).isTrue();
    assertThat(c("{{ port == 20931 }}")).isTrue();
    assertThat(c("true")).isTrue();
    assertThat(c("false")).isFalse();
    assertThat(c("hosts")).isTrue();
    assertThat(c("'Primary' in ok_result.stdout")).isTrue();
    assertThat(c("flag | bool")).isTrue();
  }

  @Test
  void unknownFilterOrTestIsAnError() {
    assertThatThrownBy(() -> r("{{ db | lowr }}"))
        .isInstanceOf(TemplateException.class)
        .hasMessage("site.yml:12:9: unknown filter 'lowr'");
    assertThatThrownBy(() -> c("db is definedd"))
        .hasMessage("site.yml:12:9: unknown test 'definedd'");
    assertThatThrownBy(() -> r("cat x | grep {{ db | nosuch }}"))
        .hasMessage("site.yml:12:9: unknown filter 'nosuch'");
  }

  @Test
  void shellPipesOutsideExpressionsAreText() throws Exception {
    assertThat(r("cat x | grep {{ db | upper }}")).isEqualTo("cat x | grep SPORTS");
    assertThat(r("{{ 'a|b' | replace('|', '-') }}")).isEqualTo("a-b");
  }

  @Test
  void pythonLiteralsAndIndexes() throws Exception {
    assertThat(r("{{ None }}")).isNull();
    assertThat(c("True and not False")).isTrue();
    assertThat(r("{{ hosts[1] }}")).isEqualTo("beta");
    assertThat(r("{{ hosts[-1] }}")).isEqualTo("beta");
    assertThatThrownBy(() -> r("{{ hosts[5] }}"))
        .hasMessage("site.yml:12:9: undefined variable 'hosts[5]'");
    assertThat(r("{{ hosts[5] | default('none') }}")).isEqualTo("none");
    assertThat(r("{{ [1, 2, 3] | sum }}")).isEqualTo(6);
    assertThat(r("{{ 'a,b'.split(',') }}")).isEqualTo(List.of("a", "b"));
  }

  @Test
  void usableFromManyThreads() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Object>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        results.add(
            pool.submit(() -> t.render("{{ n * 2 }}-{{ db }}", Map.of("n", n, "db", "d" + n), AT)));
      }
      for (int i = 0; i < 200; i++) {
        assertThat(results.get(i).get()).isEqualTo((i * 2) + "-d" + i);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void variablesHoldingTemplatesAreRenderedWhenUsed() throws Exception {
    Map<String, Object> v = vars();
    v.put("backup_dir", "/backup/{{ db }}");
    v.put("paths", Map.of("bak", "{{ backup_dir }}/{{ db }}.bak", "count", "{{ hosts | length }}"));
    v.put("loop_a", "{{ loop_b }}");
    v.put("loop_b", "x{{ loop_a }}");
    v.put("broken", "{{ nosuch }}");
    assertThat(t.render("{{ backup_dir }}", v, AT)).isEqualTo("/backup/sports");
    assertThat(t.render("cp {{ paths.bak }} .", v, AT)).isEqualTo("cp /backup/sports/sports.bak .");
    assertThat(t.render("{{ paths.count }}", v, AT)).isEqualTo(2);
    assertThatThrownBy(() -> t.render("{{ loop_a }}", v, AT))
        .hasMessage(
            "site.yml:12:9: variable 'loop_a' refers to itself (loop_a -> loop_b -> loop_a)");
    assertThatThrownBy(() -> t.render("{{ broken }}", v, AT))
        .hasMessage("site.yml:12:9: undefined variable 'nosuch'");
    assertThatThrownBy(() -> t.test("broken == 'x'", v, AT))
        .hasMessage("site.yml:12:9: undefined variable 'nosuch'");
  }

  @Test
  void unsafeDataIsNeverTemplated() throws Exception {
    Map<String, Object> v = vars();
    v.put("out", JinjavaTemplater.unsafe(Map.of("stdout", "{{ nosuch }}", "rc", 0)));
    assertThat(t.render("{{ out.stdout }}", v, AT)).isEqualTo("{{ nosuch }}");
    assertThat(t.test("out.rc == 0", v, AT)).isTrue();
  }

  @Test
  void failuresPrintNothingToTheConsole() {
    java.io.PrintStream err = System.err;
    java.io.PrintStream out = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream capture = new java.io.PrintStream(captured, true);
    System.setErr(capture);
    System.setOut(capture);
    try {
      for (String bad :
          List.of(
              "{{ nosuch }}",
              "{{ port == }}",
              "{{ nofunc(1) }}",
              "{{ 'x' | from_json }}",
              "{{ opts | combine(1) }}",
              "{% if %}x{% endif %}",
              "{{ db.startswith('a') }}")) {
        assertThatThrownBy(() -> r(bad)).isInstanceOf(TemplateException.class);
      }
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
    assertThat(captured.toString()).isEmpty();
  }

  @Test
  void syntaxErrorNamesTheExpression() {
    assertThatThrownBy(() -> c("port =="))
        .isInstanceOf(TemplateException.class)
        .hasMessage(
            "site.yml:12:9: cannot evaluate 'port ==': Error parsing 'port ==': syntax error at"
                + " position 9, encountered '}', expected <IDENTIFIER>|<STRING>|<FLOAT>|<INTEGER>|"
                + "'true'|'false'|'null'|'-'|'!'|'not'|'empty'|'('");
    assertThatThrownBy(() -> r("{{ nofunc(1) }}"))
        .hasMessage(
            "site.yml:12:9: cannot evaluate 'nofunc(1)': Could not resolve function 'nofunc'");
  }

  @Test
  void misusedFiltersAndTestsSayWhyWithoutShowingValues() {
    assertThatThrownBy(() -> r("{{ name_with_space | from_json }}"))
        .hasMessage("site.yml:12:9: from_json: not valid JSON at column 3");
    assertThatThrownBy(() -> r("{{ opts | combine(port) }}"))
        .hasMessage("site.yml:12:9: combine expects mappings, got a number");
    assertThatThrownBy(() -> c("db > 1"))
        .hasMessage("site.yml:12:9: cannot evaluate 'db > 1': cannot use a String as a Long");
    assertThatThrownBy(() -> c("db is failed"))
        .hasMessage("site.yml:12:9: the 'failed' test expects a registered result, got a string");
  }
}

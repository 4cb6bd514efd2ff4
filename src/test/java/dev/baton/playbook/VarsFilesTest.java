package dev.baton.playbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VarsFilesTest {
  @TempDir Path tmp;

  private Path write(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void loadsValuesWithAnsibleScalarTypes() throws Exception {
    Path f =
        write(
            "vars.yml",
            "db: sports\nport: 20931\nbig: 5000000000\nratio: 0.5\ncompress: yes\nquoted: 'yes'\n"
                + "mode: 0644\nnothing: ~\ndirs: [/a, /b]\nnested: {k: v}\n");
    Map<String, Object> expected = new HashMap<>();
    expected.put("db", "sports");
    expected.put("port", 20931);
    expected.put("big", 5000000000L);
    expected.put("ratio", 0.5);
    expected.put("compress", true);
    expected.put("quoted", "yes");
    expected.put("mode", 0644);
    expected.put("nothing", null);
    expected.put("dirs", List.of("/a", "/b"));
    expected.put("nested", Map.of("k", "v"));
    Map<String, Object> vars = VarsFiles.load(f);
    assertThat(vars).isEqualTo(expected);
    assertThat(vars.keySet())
        .containsExactly(
            "db",
            "port",
            "big",
            "ratio",
            "compress",
            "quoted",
            "mode",
            "nothing",
            "dirs",
            "nested");
  }

  @SuppressWarnings("unchecked")
  @Test
  void mergeKeysApplyWithOwnKeysWinning() throws Exception {
    Path f =
        write(
            "merge.yml",
            "defaults: &d\n  port: 1\n  dir: /a\nsite:\n  <<: *d\n  port: 2\n  name: s\n");
    Map<String, Object> site = (Map<String, Object>) VarsFiles.load(f).get("site");
    assertThat(site).isEqualTo(Map.of("port", 2, "dir", "/a", "name", "s"));
  }

  @Test
  void emptyFileIsNoVars() throws Exception {
    assertThat(VarsFiles.load(write("empty.yml", "# nothing yet\n"))).isEmpty();
  }

  @Test
  void errorsNameFileLineAndColumn() throws Exception {
    Path list = write("list.yml", "- a\n- b\n");
    assertThatThrownBy(() -> VarsFiles.load(list))
        .isInstanceOf(PlaybookException.class)
        .hasMessage(list + ":1:1: a vars file must be a mapping of names to values, got a list");
    Path dup = write("dup.yml", "a: 1\nb:\n  c: 1\n  c: 2\n");
    assertThatThrownBy(() -> VarsFiles.load(dup))
        .hasMessage(dup + ":4:3: duplicate key 'c' (first at line 3)");
    Path bad = write("bad.yml", "a: [1, 2\nb: 3\n");
    assertThatThrownBy(() -> VarsFiles.load(bad))
        .hasMessage(
            bad
                + ":2:2: malformed YAML: expected ',' or ']', but got : (while parsing a flow sequence)");
    Path latin1 = tmp.resolve("latin1.yml");
    Files.write(latin1, new byte[] {'a', ':', ' ', (byte) 0xe9, '\n'});
    assertThatThrownBy(() -> VarsFiles.load(latin1)).hasMessage(latin1 + ":1:4: not UTF-8 text");
    Path missing = tmp.resolve("missing.yml");
    assertThatThrownBy(() -> VarsFiles.load(missing))
        .hasMessage(missing + ":1:1: cannot read: no such file");
  }

  @Test
  void extraVarsKeyValuePairsAreStrings() throws Exception {
    assertThat(ExtraVars.parse("db=sports port=20931 dir='/a b' msg=\"say \\\"hi\\\"\""))
        .isEqualTo(Map.of("db", "sports", "port", "20931", "dir", "/a b", "msg", "say \"hi\""));
  }

  @Test
  void extraVarsJsonAndYamlKeepTypes() throws Exception {
    assertThat(ExtraVars.parse("{\"ports\": [1, 2], \"on\": true}"))
        .isEqualTo(Map.of("ports", List.of(1, 2), "on", true));
    assertThat(ExtraVars.parse("{db: sports, n: 3}")).isEqualTo(Map.of("db", "sports", "n", 3));
  }

  @Test
  void extraVarsFromFile() throws Exception {
    write("extra.yml", "target: primary\nretries: 2\n");
    assertThat(ExtraVars.parse("@extra.yml", tmp))
        .isEqualTo(Map.of("target", "primary", "retries", 2));
  }

  @Test
  void extraVarsErrors() {
    assertThatThrownBy(() -> ExtraVars.parse("db=sports oops"))
        .isInstanceOf(PlaybookException.class)
        .hasMessage("<extra-vars>:1:11: expected key=value, got 'oops'");
    assertThatThrownBy(() -> ExtraVars.parse("{db: [1}"))
        .hasMessage(
            "<extra-vars>:1:8: malformed YAML: expected ',' or ']', but got }"
                + " (while parsing a flow sequence)");
    assertThatThrownBy(() -> ExtraVars.parse("db='open"))
        .hasMessage("<extra-vars>:1:1: unterminated single quote in 'db='open'");
  }
}

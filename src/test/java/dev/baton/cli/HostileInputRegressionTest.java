package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.Mark;
import dev.baton.inventory.Inventory;
import dev.baton.inventory.InventoryException;
import dev.baton.playbook.ExtraVars;
import dev.baton.playbook.PlaybookException;
import dev.baton.playbook.VarsFiles;
import dev.baton.template.JinjavaTemplater;
import dev.baton.template.TemplateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Minimized inputs that {@link HostileInputFuzzTest} found crashing or hanging a loader. */
class HostileInputRegressionTest {
  @TempDir Path tmp;

  private static String bomb(String indent) {
    // 48 aliases: under SnakeYAML's alias count limit, yet 2^24 values once expanded.
    StringBuilder b = new StringBuilder(indent + "a0: &a0 [\"lol\"]\n");
    for (int i = 1; i <= 24; i++) {
      b.append(indent + "a" + i + ": &a" + i + " [*a" + (i - 1) + ", *a" + (i - 1) + "]\n");
    }
    return b.toString();
  }

  @Test
  void varsFileAliasBombIsRefusedAtItsLine() throws Exception {
    Path file = Files.writeString(tmp.resolve("bomb.yml"), bomb(""));
    assertThatThrownBy(() -> VarsFiles.load(file))
        .isInstanceOf(PlaybookException.class)
        .hasMessageStartingWith(file + ":")
        .hasMessageContaining("alias bomb");
  }

  @Test
  void inventoryAliasBombIsRefusedAtItsLine() throws Exception {
    Path file = Files.writeString(tmp.resolve("inv.yml"), "all:\n  vars:\n" + bomb("    "));
    assertThatThrownBy(() -> Inventory.load(List.of(file)))
        .isInstanceOf(InventoryException.class)
        .hasMessageStartingWith(file + ":")
        .hasMessageContaining("alias bomb");
  }

  @Test
  void recursiveMergeIsRefusedNotOverflowed() throws Exception {
    Path vars = Files.writeString(tmp.resolve("vars.yml"), "a: &a\n  <<: *a\n  x: 1\n");
    Path inv =
        Files.writeString(tmp.resolve("inv.yml"), "all:\n  vars:\n    a: &a\n      <<: *a\n");
    assertThatThrownBy(() -> VarsFiles.load(vars))
        .isInstanceOf(PlaybookException.class)
        .hasMessageStartingWith(vars + ":");
    assertThatThrownBy(() -> Inventory.load(List.of(inv)))
        .isInstanceOf(InventoryException.class)
        .hasMessageStartingWith(inv + ":");
  }

  @Test
  void inventoryThatIsNotUtf8NamesTheFirstBadByte() throws Exception {
    Path hosts = tmp.resolve("hosts");
    Files.write(hosts, new byte[] {'[', 'd', 'b', ']', '\n', 'h', 'o', (byte) 0xff, 's', 't'});
    assertThatThrownBy(() -> Inventory.load(List.of(hosts)))
        .isInstanceOf(InventoryException.class)
        .hasMessage(hosts + ":2:3: not UTF-8 text");
    Path yaml = tmp.resolve("vars.yml");
    Files.write(yaml, new byte[] {'a', ':', ' ', (byte) 0xc3});
    assertThatThrownBy(() -> VarsFiles.load(yaml))
        .isInstanceOf(PlaybookException.class)
        .hasMessage(yaml + ":1:4: not UTF-8 text");
  }

  @Test
  void extraVarsErrorsStayOnOneLine() {
    assertThatThrownBy(() -> ExtraVars.parse("# it's\nk=v"))
        .isInstanceOf(PlaybookException.class)
        .hasMessage("<extra-vars>:1:1: unterminated single quote in '# it's\\nk=v'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThatThrownBy(() -> ExtraVars.parse("@vars\u0000.yml"))
        .isInstanceOf(PlaybookException.class)
        .hasMessage("<extra-vars>:1:2: '@' file name 'vars\\u0000.yml' has a control character");
    assertThatThrownBy(() -> ExtraVars.parse("@a\nb.yml"))
        .isInstanceOf(PlaybookException.class)
        .hasMessageNotContaining("\n");
  }

  @Test
  void hugeAndDeeplyNestedTemplatesAreRefusedNotOverflowedOrHung() throws Exception {
    JinjavaTemplater t = new JinjavaTemplater();
    Mark mark = new Mark("book.yml", 4, 9);
    Map<String, Object> vars = Map.of("x", "1");
    // A 200k-character string literal overflowed the quoted-string regex.
    String literal = "{{ \"" + "x".repeat(200_000) + " }}";
    assertThatThrownBy(() -> t.render(literal, vars, mark))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("book.yml:4:9: ")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
    // Thousands of unclosed '{{' made the name check quadratic.
    String unclosed = "{{ x }}" + "{{".repeat(20_000);
    assertThat(t.render(unclosed, vars, mark)).isEqualTo("1" + "{{".repeat(20_000));
    // Thousands of nested brackets made Jinjava's parser backtrack for minutes.
    String nested = "x {{ x }} {{ " + "( {{ ".repeat(3000) + " }}";
    assertThatThrownBy(() -> t.render(nested, vars, mark))
        .isInstanceOf(TemplateException.class)
        .hasMessage("book.yml:4:9: brackets nested more than 64 deep");
  }

  @Test
  void yamlErrorsQuotingALineBreakStayOnOneLine() throws Exception {
    Path badEscape = Files.writeString(tmp.resolve("a.yml"), "a: \"\\u12\nsh\"\n");
    assertThatThrownBy(() -> VarsFiles.load(badEscape))
        .isInstanceOf(PlaybookException.class)
        .hasMessageStartingWith(badEscape + ":1:")
        .hasMessageNotContaining("\n");
    Path notMapping = Files.writeString(tmp.resolve("b.yml"), "bastion x\n[web] y\n");
    assertThatThrownBy(() -> VarsFiles.load(notMapping))
        .isInstanceOf(PlaybookException.class)
        .hasMessage(
            notMapping
                + ":1:1: a vars file must be a mapping of names to values, got 'bastion x [web] y'");
  }

  @Test
  void yamlHexEscapeWithoutDigitsIsMalformedNotNumberFormatException() throws Exception {
    Path vars = Files.writeString(tmp.resolve("x.yml"), "ignored]: \"\\x");
    assertThatThrownBy(() -> VarsFiles.load(vars))
        .isInstanceOf(PlaybookException.class)
        .hasMessageStartingWith(vars + ":1:1: malformed YAML");
    Path inv = Files.writeString(tmp.resolve("inv.yml"), "all:\n  vars:\n    a: \"\\x");
    assertThatThrownBy(() -> Inventory.load(List.of(inv)))
        .isInstanceOf(InventoryException.class)
        .hasMessageStartingWith(inv + ":1:1: invalid YAML");
  }
}

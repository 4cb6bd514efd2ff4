package dev.baton.inventory;

import static dev.baton.inventory.Fixtures.load;
import static dev.baton.inventory.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.Mark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlInventoryTest {
  @TempDir Path dir;

  @Test
  void allHostsChildrenVars() throws Exception {
    Path inv =
        write(
            dir,
            "inv.yml",
            """
            all:
              vars:
                dlc: /usr/dlc
              hosts:
                jump:
              children:
                primaries:
                  hosts:
                    p1: {ansible_host: 10.0.0.1}
                    p[2:3]:
                secondaries:
                  hosts: s1
                sites:
                  children:
                    primaries:
                    secondaries:
            """);
    Inventory i = load(inv);
    assertThat(i.group("all").orElseThrow().children())
        .containsExactly("ungrouped", "primaries", "secondaries", "sites");
    assertThat(i.group("ungrouped").orElseThrow().hosts()).containsExactly("jump");
    assertThat(i.hostsOf("sites")).containsExactly("p1", "p2", "p3", "s1");
    assertThat(i.varsOf("p1"))
        .containsEntry("ansible_host", "10.0.0.1")
        .containsEntry("dlc", "/usr/dlc");
    assertThat(i.originsOf("p1").get("ansible_host")).isEqualTo(new Mark(inv.toString(), 9, 14));
    assertThat(i.originsOf("p1").get("dlc")).isEqualTo(new Mark(inv.toString(), 3, 5));
  }

  /** A {@code !vault} host variable (ansible-vault's output) is its plaintext with the password. */
  @Test
  void aVaultedVariableIsDecryptedWithTheRunsSecret() throws Exception {
    Path fixtures = Path.of("src/test/resources/vault");
    String inline = java.nio.file.Files.readString(fixtures.resolve("inline11.yml"));
    String envelope = inline.substring(inline.indexOf("!vault |")).replace("\n", "\n    ");
    Path inv =
        write(dir, "inv.yml", "all:\n  hosts:\n    p1:\n      become_pw: " + envelope + "\n");
    byte[] pw =
        java.nio.file.Files.readString(fixtures.resolve("password.txt"))
            .strip()
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      dev.baton.core.Vault.use(List.of(new dev.baton.core.Vault.Secret("default", pw)));
      assertThat(load(inv).varsOf("p1")).containsEntry("become_pw", "S3cr3t!value");
      dev.baton.core.Vault.use(List.of());
      assertThatThrownBy(() -> load(inv))
          .hasMessageContaining("inv.yml:4:18: !vault value: vaulted value found but no vault");
    } finally {
      dev.baton.core.Vault.use(List.of());
    }
  }

  @Test
  void scalarsAreTypedAsYaml11LikeAnsible() throws Exception {
    Path inv =
        write(
            dir,
            "inv.yaml",
            """
            all:
              hosts:
                h:
                  a: yes
                  b: off
                  c: 0777
                  d: 1:30
                  e: 1_000
                  f: 0x1F
                  g: 1.5
                  h: 1e3
                  i: ~
                  j: "yes"
                  k: !!str 5
                  l: 2024-01-02
                  m: [1, two]
                  n: {x: {y: true}}
                  o: .inf
                  p: !unsafe '{{ not templated }}'
            """);
    Map<String, Object> v = load(inv).varsOf("h");
    assertThat(v)
        .containsEntry("a", true)
        .containsEntry("b", false)
        .containsEntry("c", 511)
        .containsEntry("d", 90)
        .containsEntry("e", 1000)
        .containsEntry("f", 31)
        .containsEntry("g", 1.5)
        .containsEntry("h", "1e3")
        .containsEntry("i", null)
        .containsEntry("j", "yes")
        .containsEntry("k", "5")
        .containsEntry("l", "2024-01-02")
        .containsEntry("m", List.of(1, "two"))
        .containsEntry("n", Map.of("x", Map.of("y", true)))
        .containsEntry("o", Double.POSITIVE_INFINITY)
        .containsEntry("p", "{{ not templated }}");
  }

  @Test
  void mergeKeysApply() throws Exception {
    Path inv =
        write(
            dir,
            "inv.yml",
            """
            all:
              hosts:
                a: &base {port_base: 1, user: x}
                b:
                  <<: *base
                  user: y
            """);
    assertThat(load(inv).varsOf("b")).containsEntry("port_base", 1).containsEntry("user", "y");
  }

  private void assertFails(String name, String text, String message) {
    Path inv = write(dir, name, text);
    assertThatThrownBy(() -> load(inv))
        .isInstanceOf(InventoryException.class)
        .hasMessage(inv + ":" + message);
  }

  @Test
  void duplicateKeysAreRefused() {
    assertFails(
        "dup.yml",
        "all:\n  hosts:\n    h1:\n      x: 1\n      x: 2\n",
        "5:7: duplicate key 'x' (first at line 4)");
    assertFails(
        "dup2.yml",
        "all:\n  hosts:\n    h1:\n    h1:\n",
        "4:5: duplicate key 'h1' (first at line 3)");
  }

  @Test
  void structureErrorsNameThePlace() {
    assertFails(
        "typo.yml",
        "all:\n  host:\n    h1:\n",
        "2:3: unexpected key 'host' in group 'all': only hosts, children and vars are valid");
    assertFails(
        "list.yml",
        "- a\n- b\n",
        "1:1: a YAML inventory is a mapping of group names (e.g. 'all:'), got a sequence");
    assertFails("empty.yml", "# nothing\n", "1:1: empty YAML inventory");
    assertFails(
        "hostvars.yml",
        "all:\n  hosts:\n    h1: [1, 2]\n",
        "3:9: variables of host 'h1' must be a mapping of name: value");
    assertFails(
        "syntax.yml",
        "all:\n  hosts:\n    h1: {a: 1\n",
        "4:1: invalid YAML: while parsing a flow mapping: expected ',' or '}', but got <stream end>");
    assertFails(
        "plugin.yml",
        "plugin: aws_ec2\n",
        "1:1: inventory plugin configuration files are not supported by baton");
  }

  @Test
  void fileWithoutExtensionIsYamlWhenItIsAMapping() throws Exception {
    Path inv = write(dir, "hosts", "all:\n  hosts:\n    h1:\n");
    assertThat(load(inv).hosts()).containsExactly("h1");
  }
}

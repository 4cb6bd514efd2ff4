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

class IniInventoryTest {
  @TempDir Path dir;

  @Test
  void groupsChildrenAndImplicitGroups() throws Exception {
    Path inv =
        write(
            dir,
            "hosts",
            """
            loose
            [web]
            w1
            w2
            [db]
            d1
            w1
            [app:children]
            web
            db
            """);
    Inventory i = load(inv);
    assertThat(i.groups())
        .extracting(Group::name)
        .containsExactly("all", "ungrouped", "web", "db", "app");
    assertThat(i.group("all").orElseThrow().children()).containsExactly("ungrouped", "app");
    assertThat(i.group("ungrouped").orElseThrow().hosts()).containsExactly("loose");
    assertThat(i.group("app").orElseThrow().children()).containsExactly("web", "db");
    assertThat(i.hostsOf("app")).containsExactly("w1", "w2", "d1");
    assertThat(i.hosts()).containsExactly("loose", "w1", "w2", "d1");
    assertThat(i.groupNamesOf("w1")).containsExactly("app", "db", "web");
    assertThat(i.groupNamesOf("loose")).containsExactly("ungrouped");
  }

  @Test
  void childrenMayBeDeclaredBeforeTheirSection() throws Exception {
    Path inv =
        write(
            dir,
            "hosts.ini",
            """
            [sites:children]
            site_a
            [site_a]
            a1
            """);
    Inventory i = load(inv);
    assertThat(i.group("sites").orElseThrow().children()).containsExactly("site_a");
    assertThat(i.hostsOf("sites")).containsExactly("a1");
  }

  @Test
  void inlineHostVarsAreTypedLikeAnsible() throws Exception {
    Path inv =
        write(
            dir,
            "hosts",
            "[g]\n"
                + "h1 ansible_host=10.0.0.1 ansible_port=2222 x='quoted value' n=5 q=\"5\" b=True"
                + " s=yes z=010 l=\"[1, 2]\" # a comment x=ignored\n");
    Map<String, Object> v = load(inv).varsOf("h1");
    assertThat(v)
        .containsEntry("ansible_host", "10.0.0.1")
        .containsEntry("ansible_port", 2222)
        .containsEntry("x", "quoted value")
        .containsEntry("n", 5)
        .containsEntry("q", 5) // shlex removes the quotes before literal_eval, as in Ansible
        .containsEntry("b", true)
        .containsEntry("s", "yes")
        .containsEntry("z", "010")
        .containsEntry("l", List.of(1, 2))
        .hasSize(9);
  }

  @Test
  void groupVarsAreTypedAndKeepQuotesMeaning() throws Exception {
    Path inv =
        write(
            dir,
            "hosts",
            """
            [g]
            h1
            [g:vars]
            a = "5"
            b = 5
            c = hello world
            d = 'x y' # trailing comment
            e = foo # bar
            f = {'k': [None, False]}
            """);
    Map<String, Object> v = load(inv).varsOf("h1");
    assertThat(v)
        .containsEntry("a", "5")
        .containsEntry("b", 5)
        .containsEntry("c", "hello world")
        .containsEntry("d", "x y")
        .containsEntry("e", "foo # bar")
        .containsEntry("f", Map.of("k", java.util.Arrays.asList(null, false)));
  }

  @Test
  void hostPortAndRangesOnHostLines() throws Exception {
    Path inv =
        write(dir, "hosts", "[db]\ndb[01:03].example.com:2200 role=db\n[v6]\n[fe80::1]:2022\n");
    Inventory i = load(inv);
    assertThat(i.hostsOf("db"))
        .containsExactly("db01.example.com", "db02.example.com", "db03.example.com");
    assertThat(i.varsOf("db02.example.com"))
        .containsEntry("ansible_port", 2200)
        .containsEntry("role", "db");
    assertThat(i.varsOf("fe80::1")).containsEntry("ansible_port", 2022);
    assertThat(i.originsOf("db03.example.com").get("role"))
        .isEqualTo(new Mark(inv.toString(), 2, 28));
  }

  @Test
  void hostInSeveralGroupsLeavesUngrouped() throws Exception {
    Path inv = write(dir, "hosts", "h1\n[g]\nh1\n");
    Inventory i = load(inv);
    assertThat(i.group("ungrouped").orElseThrow().hosts()).isEmpty();
    assertThat(i.groupNamesOf("h1")).containsExactly("g");
  }

  private void assertFails(String text, String message) {
    Path inv = write(dir, "bad.ini", text);
    assertThatThrownBy(() -> load(inv))
        .isInstanceOf(InventoryException.class)
        .hasMessage(inv + ":" + message);
  }

  @Test
  void errorsNameFileLineAndColumn() {
    assertFails(
        "[web]\nh1\n[web:hostz]\n",
        "3:1: section [web:hostz] has unknown type 'hostz' (expected hosts, children or vars)");
    assertFails(
        "[web]\n  h1 x='unclosed\n",
        "2:8: cannot parse host definition 'h1 x='unclosed': No closing quotation");
    assertFails(
        "[web]\nh1 novalue\n", "2:4: expected key=value host variable assignment, got 'novalue'");
    assertFails("[web]\nh1\n[web:vars]\njustakey\n", "4:1: expected key=value, got 'justakey'");
    assertFails(
        "[web servers]\n",
        "1:1: invalid section entry '[web servers]': a section name has no spaces and no ':'"
            + " other than the one before vars or children");
    assertFails(
        "[app:children]\nweb\n[db]\nd1\n",
        "2:1: section [app:children] includes a group that is defined nowhere: web");
    assertFails(
        "[db]\nd1\n[nope:vars]\nx=1\n",
        "3:1: section [nope:vars] is for a group that is defined nowhere: nope");
    assertFails(
        "[a:children]\nb\n[b:children]\na\n[b]\n",
        "4:1: adding group 'a' as child to 'b' creates a recursive dependency loop");
    assertFails(
        "[db]\ndb[01:100]\n",
        "2:1: host 'db[01:100]': host range must specify equal-length begin and end formats");
    assertFails(
        "[db]\nh1:\n", "2:1: invalid host pattern 'h1:': a trailing ':' is reserved for a port");
    assertFails(
        "---\nall:\n",
        "1:1: invalid host '---': this looks like a YAML file with an INI extension");
  }

  @Test
  void missingSourceIsOneLine() {
    Path nowhere = dir.resolve("nope.ini");
    assertThatThrownBy(() -> load(nowhere))
        .hasMessage(nowhere + ": no such inventory file or directory");
  }

  @Test
  void magicVarsForTemplating() throws Exception {
    Path inv = write(dir, "site/hosts", "[db]\ndb1.example.com\n10.0.0.7\n[app:children]\ndb\n");
    Map<String, Object> m = load(inv).magicVarsOf("db1.example.com");
    assertThat(m)
        .containsEntry("inventory_hostname", "db1.example.com")
        .containsEntry("inventory_hostname_short", "db1")
        .containsEntry("group_names", List.of("app", "db"))
        .containsEntry("inventory_file", inv.toAbsolutePath().toString())
        .containsEntry("inventory_dir", dir.resolve("site").toAbsolutePath().toString());
    @SuppressWarnings("unchecked")
    Map<String, List<String>> groups = (Map<String, List<String>>) m.get("groups");
    assertThat(groups)
        .containsEntry("app", List.of("db1.example.com", "10.0.0.7"))
        .containsEntry("ungrouped", List.of());
    assertThat(load(inv).magicVarsOf("10.0.0.7"))
        .containsEntry("inventory_hostname_short", "10.0.0.7");
  }

  @Test
  void commaSeparatedHostList() throws Exception {
    Inventory i = Inventory.load(List.of(Path.of("h1,h2:2222,")));
    assertThat(i.hosts()).containsExactly("h1", "h2");
    assertThat(i.group("ungrouped").orElseThrow().hosts()).containsExactly("h1", "h2");
    assertThat(i.varsOf("h2")).containsExactly(Map.entry("ansible_port", 2222));
  }
}

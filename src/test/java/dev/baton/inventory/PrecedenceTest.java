package dev.baton.inventory;

import static dev.baton.inventory.Fixtures.load;
import static dev.baton.inventory.Fixtures.resource;
import static dev.baton.inventory.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.Mark;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected values checked against ansible-inventory 2.14 (see InventoryParityTest). */
class PrecedenceTest {
  private static final Path HOSTS = resource("precedence/hosts");
  private static final String DIR = "src/test/resources/inventory/precedence/";

  @TempDir Path tmp;

  @Test
  void fullPrecedenceChainForWeb1() throws Exception {
    Inventory i = load(HOSTS);
    assertThat(i.varsOf("web1"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "by_name", "zeta", // same depth and priority: later name wins
                "depth_winner", "group_vars-web",
                "file_all", 1,
                "file_parent", true,
                "from_all", 1,
                "parent_only", "yes",
                "prio", "low-but-high-priority", // ansible_group_priority=10 beats alpha
                "who", "group_vars-web-dir")); // group_vars files beat inventory group vars
    assertThat(i.originsOf("web1"))
        .containsEntry("by_name", new Mark(DIR + "hosts", 31, 1))
        .containsEntry("who", new Mark(DIR + "group_vars/web/vars.yml", 1, 1))
        .containsEntry("file_parent", new Mark(DIR + "group_vars/parent.json", 1, 2))
        .containsEntry("prio", new Mark(DIR + "hosts", 38, 1));
  }

  @Test
  void hostVarsFilesWinOverEverything() throws Exception {
    Inventory i = load(HOSTS);
    assertThat(i.varsOf("web2"))
        .containsEntry("who", "host_vars-web2")
        .containsEntry("extra", 42)
        .doesNotContainKey("ignored")
        .doesNotContainKey("prio");
    assertThat(i.originsOf("web2").get("who"))
        .isEqualTo(new Mark(DIR + "host_vars/web2/main.yml", 1, 1));
    assertThat(i.originsOf("web2").get("extra"))
        .isEqualTo(new Mark(DIR + "host_vars/web2/more", 1, 1));
  }

  @Test
  void childGroupBeatsParentAndHostBeatsGroups() throws Exception {
    Path inv =
        write(
            tmp,
            "hosts",
            """
            [all:vars]
            v=all
            [parent:vars]
            v=parent
            w=parent
            [child:vars]
            v=child
            [parent:children]
            child
            [child]
            h1
            h2 v=host
            """);
    Inventory i = load(inv);
    assertThat(i.varsOf("h1")).containsEntry("v", "child").containsEntry("w", "parent");
    assertThat(i.varsOf("h2")).containsEntry("v", "host");
    assertThat(i.originsOf("h2").get("v")).isEqualTo(new Mark(inv.toString(), 12, 4));
  }

  @Test
  void groupVarsFileNamesAndDirectories() throws Exception {
    Path inv = write(tmp, "inv/hosts", "[g]\nh1\n");
    write(tmp, "inv/group_vars/g", "from: bare\n");
    write(tmp, "inv/group_vars/g.yml", "from: yml-not-read\n");
    write(tmp, "inv/group_vars/all/b.yml", "order: b\n");
    write(tmp, "inv/group_vars/all/a.json", "{\"order\": \"a\", \"json\": 1}\n");
    write(tmp, "inv/group_vars/all/sub/c.yaml", "deep: true\n");
    write(tmp, "inv/group_vars/all/skip.txt", "skipped: true\n");
    write(tmp, "inv/group_vars/all/backup.yml~", "skipped: true\n");
    write(tmp, "inv/host_vars/h1.yaml", "# only a comment\n");
    Map<String, Object> v = load(inv).varsOf("h1");
    assertThat(v)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("from", "bare", "order", "b", "json", 1, "deep", true));
  }

  @Test
  void severalSourcesMerge() throws Exception {
    Inventory i = load(resource("multi/a/hosts.ini"), resource("multi/b/hosts.yaml"));
    assertThat(i.hostsOf("web")).containsExactly("w1", "w2", "w3");
    assertThat(i.groupNamesOf("w1")).containsExactly("db", "web");
    assertThat(i.varsOf("w1"))
        .containsEntry("src", "b")
        .containsEntry("shared", "b")
        .containsEntry("from_a_dir", true)
        .containsEntry("from_b_dir", true);
    assertThat(i.originsOf("w1").get("src"))
        .isEqualTo(new Mark("src/test/resources/inventory/multi/b/hosts.yaml", 6, 5));
  }

  @Test
  void badVarsFileFailsTheLoadWithItsPlace() {
    Path inv = write(tmp, "hosts", "[g]\nh1\n");
    Path bad = write(tmp, "group_vars/g.yml", "a: 1\na: 2\n");
    assertThatThrownBy(() -> load(inv))
        .hasMessage(bad + ":2:1: duplicate key 'a' (first at line 1)");
    write(tmp, "group_vars/g.yml", "- not a mapping\n");
    assertThatThrownBy(() -> load(inv))
        .hasMessage(bad + ":1:1: a vars file must be a mapping of name: value");
  }

  @Test
  void groupPriorityMustBeANumber() {
    Path inv = write(tmp, "hosts", "[g]\nh1\n[g:vars]\nansible_group_priority=high\n");
    assertThatThrownBy(() -> load(inv))
        .hasMessage(inv + ":4:1: ansible_group_priority must be a whole number, got 'high'");
  }
}

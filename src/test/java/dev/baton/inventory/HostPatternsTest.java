package dev.baton.inventory;

import static dev.baton.inventory.Fixtures.load;
import static dev.baton.inventory.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPatternsTest {
  @TempDir Path dir;
  Inventory inv;

  @BeforeEach
  void setUp() throws Exception {
    inv =
        Fixtures.load(
            write(
                dir,
                "hosts",
                """
                bastion
                [web]
                web-1
                web-2
                web-10
                [db]
                db1
                db2
                web-2
                [staging]
                web-10
                db2
                [prod:children]
                web
                db
                """));
  }

  @Test
  void allAndStar() throws Exception {
    // level by level from all: ungrouped, staging, prod's own (none), then web and db
    assertThat(inv.select("all"))
        .containsExactly("bastion", "web-10", "db2", "web-1", "web-2", "db1");
    assertThat(inv.select("*"))
        .containsExactly("bastion", "web-10", "db2", "web-1", "web-2", "db1");
    assertThat(inv.hosts()).isEqualTo(inv.select("all"));
  }

  @Test
  void unionWithColonOrComma() throws Exception {
    assertThat(inv.select("db:bastion")).containsExactly("db1", "db2", "web-2", "bastion");
    assertThat(inv.select("db, bastion")).containsExactly("db1", "db2", "web-2", "bastion");
  }

  @Test
  void intersectionAndExclusionApplyAfterUnions() throws Exception {
    assertThat(inv.select("prod:&staging")).containsExactly("web-10", "db2");
    assertThat(inv.select("web:!staging")).containsExactly("web-1", "web-2");
    assertThat(inv.select("!staging:web")).containsExactly("web-1", "web-2");
    assertThat(inv.select("!db")).containsExactly("bastion", "web-10", "web-1");
  }

  @Test
  void globsAndRegex() throws Exception {
    assertThat(inv.select("web-?")).containsExactly("web-1", "web-2");
    assertThat(inv.select("db*")).containsExactly("db1", "db2", "web-2");
    // as in Ansible, a trailing [n] is a subscript, not a glob class
    assertThat(inv.select("web-[12]")).isEmpty();
    assertThat(inv.select("web-[12]*")).containsExactly("web-1", "web-2", "web-10");
    assertThat(inv.select("~web-1.*")).containsExactly("web-1", "web-10");
    assertThat(inv.select("~^db")).containsExactly("db1", "db2", "web-2");
  }

  @Test
  void subscripts() throws Exception {
    assertThat(inv.select("web[0]")).containsExactly("web-1");
    assertThat(inv.select("web[-1]")).containsExactly("web-10");
    assertThat(inv.select("web[1:2]")).containsExactly("web-2", "web-10");
    assertThat(inv.select("web[1:]")).containsExactly("web-2", "web-10");
    assertThat(inv.select("web[0]:db[0]")).containsExactly("web-1", "db1");
    assertThatThrownBy(() -> inv.select("web[7]"))
        .isInstanceOf(InventoryException.class)
        .hasMessage(
            "no hosts matched the subscripted pattern 'web[7]' (3 hosts before the subscript)");
  }

  @Test
  void hostNamesAndNothing() throws Exception {
    assertThat(inv.select("web-10")).containsExactly("web-10");
    assertThat(inv.select("nosuch")).isEmpty();
    assertThat(inv.select("nosuch*:&web")).isEmpty();
  }

  @Test
  void badRegexIsOneLine() {
    assertThatThrownBy(() -> inv.select("~web("))
        .hasMessageStartingWith("invalid host pattern '~web(': ");
  }

  @Test
  void groupsKeepInventoryOrderAndUnionsKeepPatternOrder() throws Exception {
    Inventory i = load(write(dir, "o.ini", "[g]\nz\na\nm\n"));
    assertThat(i.select("g")).containsExactly("z", "a", "m");
    assertThat(i.select("m:a")).containsExactly("m", "a");
  }
}

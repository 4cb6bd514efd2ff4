package dev.baton.inventory;

import static dev.baton.inventory.Fixtures.resource;
import static dev.baton.inventory.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.InventoryCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InventoryCommandTest {
  @TempDir Path dir;

  /** Exit code, stdout and stderr of one in-process run. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new InventoryCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void hostShowsEachVariableWithItsOrigin() {
    String inv = resource("precedence/hosts").toString();
    Run r = run("-i", inv, "--host", "web2");
    String d = "src/test/resources/inventory/precedence/";
    assertThat(r.code()).isZero();
    assertThat(r.out().lines())
        .containsExactly(
            "depth_winner = \"group_vars-web\"  # " + d + "group_vars/web/vars.yml:2",
            "extra        = 42  # " + d + "host_vars/web2/more:1",
            "file_all     = 1  # " + d + "group_vars/all.yaml:2",
            "file_parent  = true  # " + d + "group_vars/parent.json:1",
            "from_all     = 1  # " + d + "hosts:45",
            "parent_only  = \"yes\"  # " + d + "hosts:28",
            "who          = \"host_vars-web2\"  # " + d + "host_vars/web2/main.yml:1");
  }

  @Test
  void hostTextMasksSecretsButJsonShowsThem() {
    Path inv = write(dir, "hosts", "h1 ansible_become_password=s3cret x=1\n");
    Run text = run("-i", inv.toString(), "--host", "h1");
    assertThat(text.out())
        .doesNotContain("s3cret")
        .contains("ansible_become_password = \"********\"");
    Run json = run("-i", inv.toString(), "--host", "h1", "--json");
    assertThat(json.out())
        .isEqualTo("{\n    \"ansible_become_password\": \"s3cret\",\n    \"x\": 1\n}\n");
  }

  @Test
  void graphFromAGroup() {
    Path inv = write(dir, "hosts", "[a:children]\nb\n[b]\nh2\nh1\n[a]\nh3\n");
    Run r = run("-i", inv.toString(), "--graph", "a");
    assertThat(r.out().lines())
        .containsExactly("@a:", "  |--@b:", "  |  |--h2", "  |  |--h1", "  |--h3");
  }

  @Test
  void selectPrintsMatchingHosts() {
    Path inv = write(dir, "hosts", "[a]\nh1\nh2\n[b]\nh2\nh3\n");
    assertThat(run("-i", inv.toString(), "--select", "a:!b").out().lines()).containsExactly("h1");
  }

  @Test
  void badInventoryIsOneLineAndExit4() {
    Path inv = write(dir, "bad.ini", "[web]\nh1 x\n");
    Run r = run("-i", inv.toString(), "--list");
    assertThat(r.code()).isEqualTo(InventoryCommand.EXIT_INVENTORY).isEqualTo(4);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "baton: " + inv + ":2:4: expected key=value host variable assignment, got 'x'\n");
  }

  @Test
  void unknownHostOrGroupIsExit4() {
    Path inv = write(dir, "hosts", "h1\n");
    Run host = run("-i", inv.toString(), "--host", "nope");
    assertThat(host.code()).isEqualTo(4);
    assertThat(host.err()).isEqualTo("baton: no host named 'nope' in the inventory\n");
    Run graph = run("-i", inv.toString(), "--graph", "nope");
    assertThat(graph.code()).isEqualTo(4);
    assertThat(graph.err()).isEqualTo("baton: --graph needs a group name; no group 'nope'\n");
  }

  @Test
  void missingActionIsUsageError() {
    Path inv = write(dir, "hosts", "h1\n");
    assertThat(run("-i", inv.toString()).code()).isEqualTo(2);
    assertThat(run("--list").code()).isEqualTo(2);
  }
}

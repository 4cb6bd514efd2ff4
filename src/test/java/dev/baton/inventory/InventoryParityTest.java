package dev.baton.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code baton inventory --list} against the real {@code ansible-inventory --list} on the same
 * fixtures: same groups, same host order in each group, same children, same typed variables.
 */
class InventoryParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;

  @BeforeAll
  static void needsAnsibleInventory() {
    boolean present = onPath("ansible-inventory");
    if (!present) {
      System.out.println("SKIPPED (needs ansible-inventory: apt-get install ansible-core)");
      if (Boolean.getBoolean("baton.requireAll")) {
        throw new AssertionError(
            "ansible-inventory is not installed and baton.requireAll=true (apt-get install ansible-core)");
      }
    }
    assumeTrue(present, "SKIPPED (needs ansible-inventory: apt-get install ansible-core)");
  }

  static Stream<List<String>> fixtures() {
    return Stream.of(
        List.of("ini-basic/hosts.ini"),
        List.of("yaml-sites/sites.yml"),
        List.of("precedence/hosts"),
        List.of("json-edge/hosts.json"),
        List.of("ini-typing/hosts"),
        List.of("yaml-typing/inventory.yml"),
        List.of("dir-source/inv"),
        List.of("multi/a/hosts.ini", "multi/b/hosts.yaml"),
        List.of("multi/b/hosts.yaml", "multi/a/hosts.ini"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void listMatchesAnsibleInventory(List<String> sources) throws Exception {
    List<String> ansible = new ArrayList<>(List.of("ansible-inventory"));
    List<String> baton = new ArrayList<>();
    for (String s : sources) {
      String path = Fixtures.resource(s).toString();
      ansible.addAll(List.of("-i", path));
      baton.addAll(List.of("-i", path));
    }
    ansible.add("--list");
    baton.add("--list");

    JsonNode expected = JSON.readTree(runAnsible(ansible));
    InventoryCommandTest.Run run = InventoryCommandTest.run(baton.toArray(String[]::new));
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode actual = JSON.readTree(run.out());

    assertThat(actual).isEqualTo(expected);
    assertThat(actual.get("_meta").get("hostvars").size()).isPositive();
  }

  /** Fewer fixtures here: each host costs one more ansible-inventory start. */
  static Stream<List<String>> graphFixtures() {
    return Stream.of(
        List.of("ini-basic/hosts.ini"),
        List.of("yaml-sites/sites.yml"),
        List.of("precedence/hosts"),
        List.of("multi/a/hosts.ini", "multi/b/hosts.yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("graphFixtures")
  void graphAndHostMatchAnsibleInventory(List<String> sources) throws Exception {
    List<String> inventory = new ArrayList<>();
    for (String s : sources) {
      inventory.addAll(List.of("-i", Fixtures.resource(s).toString()));
    }
    List<String> graph = new ArrayList<>(inventory);
    graph.add("--graph");
    List<String> ansibleGraph = new ArrayList<>(List.of("ansible-inventory"));
    ansibleGraph.addAll(graph);
    assertThat(InventoryCommandTest.run(graph.toArray(String[]::new)).out())
        .isEqualTo(runAnsible(ansibleGraph));

    Inventory inv = Inventory.load(sources.stream().map(Fixtures::resource).toList());
    List<String> all = inv.hosts();
    // ansible-inventory takes a second to start: the first and last host are enough
    for (String host :
        new java.util.LinkedHashSet<>(List.of(all.get(0), all.get(all.size() - 1)))) {
      List<String> args = new ArrayList<>(inventory);
      args.addAll(List.of("--host", host, "--json"));
      List<String> ansible = new ArrayList<>(List.of("ansible-inventory"));
      ansible.addAll(inventory);
      ansible.addAll(List.of("--host", host));
      assertThat(JSON.readTree(InventoryCommandTest.run(args.toArray(String[]::new)).out()))
          .as(host)
          .isEqualTo(JSON.readTree(runAnsible(ansible)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"all", "db:bastion", "prod:&staging", "!db", "db*:!web-2", "~web-1.*", "web[1:]"})
  void patternsSelectWhatAnsibleSelects(String pattern) throws Exception {
    Path hosts = Fixtures.resource("patterns/hosts");
    String listed = runAnsible(List.of("ansible", pattern, "-i", hosts.toString(), "--list-hosts"));
    List<String> expected =
        listed.lines().skip(1).map(String::strip).filter(l -> !l.isEmpty()).toList();
    assertThat(Inventory.load(List.of(hosts)).select(pattern)).isEqualTo(expected).isNotEmpty();
  }

  private static String runAnsible(List<String> command) throws IOException, InterruptedException {
    Path config = Files.writeString(tmp.resolve("ansible.cfg"), "");
    Path err = tmp.resolve("ansible.err");
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
    // no user or system ansible.cfg may change what ansible-inventory reads
    pb.environment().put("ANSIBLE_CONFIG", config.toString());
    pb.environment().put("ANSIBLE_LOCAL_TEMP", tmp.resolve("ansible-tmp").toString());
    pb.environment().put("ANSIBLE_NOCOLOR", "1");
    Process p = pb.start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError("ansible-inventory did not finish: " + command);
      }
      assertThat(p.exitValue()).as("ansible-inventory failed: %s", Files.readString(err)).isZero();
      return out;
    } finally {
      p.destroyForcibly();
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }
}

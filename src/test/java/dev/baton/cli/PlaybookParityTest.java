package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.testing.Baton;
import dev.baton.testing.Needs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same playbook run by {@code ansible-playbook} and by baton, each on a fresh copy of its
 * files, over a local connection to the same two hosts: the plays, tasks and handlers shown, each
 * host's status and debug message per task, the recap, the exit code and the files the playbook
 * wrote must be the same. What the two print differently by design is normalised away (colour,
 * banners' stars, the order hosts finish a task in, the rest of a result's JSON). The fixtures are
 * under {@code src/test/resources/parity}; needs ansible-playbook (CI installs ansible-core).
 */
class PlaybookParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEADER = Pattern.compile("^(PLAY|TASK|RUNNING HANDLER) \\[(.*)\\]");
  private static final Pattern STATUS =
      Pattern.compile("^(ok|changed|skipping|fatal|failed): \\[([^\\]]+)\\](.*)$");
  private static final Pattern RECAP = Pattern.compile("^(\\S+)\\s+: (ok=.*)$");

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"language", "roles", "import-role", "import", "ansible-modules", "ansible-user"})
  void ansiblePlaybookAndBatonAgree(String fixture) throws Exception {
    Path ansible = Needs.command("ansible-playbook", "the playbook parity suite");
    if (fixture.equals("ansible-user")) {
      Needs.that(
          "root".equals(System.getProperty("user.name")), "root", "the user module's parity");
    }
    Path src = Path.of("src/test/resources/parity").resolve(fixture).toAbsolutePath();
    Path a = copy(src, tmp.resolve("ansible").resolve(fixture));
    Path b = copy(src, tmp.resolve("baton").resolve(fixture));

    Run byAnsible = runAnsible(ansible, a);
    Baton.Result byBaton =
        Baton.run(
            b,
            Map.of("BATON_HOME", tmp.resolve("home").toString()),
            "play",
            "-i",
            b.resolve("hosts").toString(),
            b.resolve("site.yml").toString());

    assertThat(normalise(byBaton.stdout()))
        .as("baton:%n%s%nansible-playbook:%n%s", byBaton.all(), byAnsible.out())
        .containsExactlyElementsOf(normalise(byAnsible.out()));
    assertThat(byBaton.exitCode()).isEqualTo(byAnsible.exit());
    assertThat(files(b.resolve("out"))).isEqualTo(files(a.resolve("out")));
  }

  private record Run(int exit, String out) {}

  private Run runAnsible(Path ansible, Path dir) throws IOException, InterruptedException {
    Path config = Files.writeString(tmp.resolve("ansible.cfg"), "");
    ProcessBuilder pb =
        new ProcessBuilder(ansible.toString(), "-i", "hosts", "site.yml")
            .directory(dir.toFile())
            .redirectErrorStream(true);
    // No user or system ansible.cfg may change what ansible-playbook does.
    pb.environment().put("ANSIBLE_CONFIG", config.toString());
    pb.environment().put("ANSIBLE_LOCAL_TEMP", tmp.resolve("ansible-tmp").toString());
    pb.environment().put("ANSIBLE_REMOTE_TEMP", tmp.resolve("ansible-tmp").toString());
    pb.environment().put("ANSIBLE_NOCOLOR", "1");
    pb.environment().put("ANSIBLE_FORCE_COLOR", "0");
    Process p = pb.start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("ansible-playbook finished").isTrue();
      return new Run(p.exitValue(), out);
    } finally {
      p.destroyForcibly();
    }
  }

  /** A fresh copy of the fixture, with an inventory of two local hosts writing under out/. */
  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    StringBuilder inv = new StringBuilder("[all]\n");
    for (String h : List.of("h1", "h2")) {
      Path out = Files.createDirectories(to.resolve("out").resolve(h));
      inv.append(h)
          .append(" ansible_connection=local ansible_python_interpreter=/usr/bin/python3")
          .append(" inv=inventory out=")
          .append(out)
          .append('\n');
    }
    Files.writeString(to.resolve("hosts"), inv.toString());
    return to;
  }

  /** Every file under {@code dir}, by relative path, with its content. */
  private static Map<String, String> files(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      all.filter(Files::isRegularFile)
          .forEach(
              p -> {
                try {
                  out.put(dir.relativize(p).toString(), Files.readString(p));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
    return out;
  }

  /**
   * The run as comparable lines: headers; per task, each host's status (with "item" for a loop
   * item) and the message of an ok or changed result, sorted by host; the recap with single spaces.
   */
  static List<String> normalise(String output) {
    List<String> out = new ArrayList<>();
    List<String> group = new ArrayList<>();
    List<String> lines = output.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      Matcher h = HEADER.matcher(l);
      Matcher s = STATUS.matcher(l);
      Matcher r = RECAP.matcher(l);
      if (h.find()) {
        out.addAll(group.stream().sorted().toList());
        group.clear();
        out.add(h.group(1) + " [" + h.group(2) + "]");
      } else if (s.matches()) {
        String rest = s.group(3);
        String line =
            s.group(1) + ": [" + s.group(2) + "]" + (rest.contains("(item=") ? " item" : "");
        int brace = rest.indexOf("=> {");
        if (brace >= 0 && (s.group(1).equals("ok") || s.group(1).equals("changed"))) {
          String blob = rest.substring(brace + 3);
          if (blob.strip().equals("{")) {
            // ansible-playbook's default callback: the result's JSON on the lines up to "}".
            StringBuilder b = new StringBuilder("{");
            while (++i < lines.size() && !lines.get(i).equals("}")) {
              b.append(lines.get(i)).append('\n');
            }
            blob = b.append('}').toString();
          }
          try {
            JsonNode msg = JSON.readTree(blob).get("msg");
            if (msg != null) {
              line += " msg=" + msg;
            }
          } catch (IOException e) {
            line += " (unreadable result)";
          }
        }
        group.add(line);
      } else if (r.matches()) {
        out.addAll(group.stream().sorted().toList());
        group.clear();
        out.add(r.group(1) + " " + r.group(2).strip().replaceAll("\\s+", " "));
      }
    }
    out.addAll(group.stream().sorted().toList());
    return out;
  }
}

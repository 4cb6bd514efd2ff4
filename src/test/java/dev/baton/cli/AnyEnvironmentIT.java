package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.sim.SimInstaller;
import dev.baton.testing.TestHosts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./baton} launcher (on the jar `package` built) and a real simulator launcher,
 * started as cron starts them: {@code env -i} with only {@code PATH}, no {@code HOME}, {@code
 * USER}, {@code LANG} or {@code JAVA_HOME}, so the locale is POSIX (ASCII). Over an inventory,
 * playbook, paths, variables and remote output that hold non-ASCII text, every result must be the
 * same as under {@code LC_ALL=C.UTF-8}: the same output, the same files on the host.
 */
class AnyEnvironmentIT {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final String CRON_PATH = "/usr/local/bin:/usr/bin:/bin";

  @RegisterExtension final TestHosts hosts = TestHosts.withHosts(1);
  @TempDir Path tmp;

  @Test
  void playUnderAnEmptyEnvironmentMatchesUtf8() throws Exception {
    Path posix = run(Map.of());
    Path utf8 = run(Map.of("LC_ALL", "C.UTF-8"));
    String a = normalise(Files.readString(posix.resolve("out.txt")));
    String b = normalise(Files.readString(utf8.resolve("out.txt")));
    assertThat(a).contains("ok: [prod-a-secondär]").contains("grüße aus Zürich");
    assertThat(a).isEqualTo(b);
    for (Path work : List.of(posix, utf8)) {
      Path written = hosts.home(0).resolve(work.getFileName() + "-Prüfung/notiz-ä.txt");
      assertThat(written).hasContent("Grüße, prod-a-secondär");
      String journal = Files.readString(onlyJournal(work), StandardCharsets.UTF_8);
      assertThat(journal).contains("grüße aus Zürich").doesNotContain("gr??e");
    }
  }

  @Test
  void simulatorUtilitiesUnderAnEmptyEnvironmentMatchUtf8() throws Exception {
    Path dlc = SimInstaller.install(tmp.resolve("dlc-ö"));
    List<String> outputs = new ArrayList<>();
    for (Map<String, String> locale :
        List.of(Map.<String, String>of(), Map.of("LC_ALL", "C.UTF-8"))) {
      Path dir = Files.createDirectories(tmp.resolve("db-" + locale.size() + "-Lagerbestände"));
      String java = ProcessHandle.current().info().command().orElse("java");
      Map<String, String> env = new LinkedHashMap<>(locale);
      env.put("BATON_SIM_JAVA", java);
      Result made = exec(dir, env, dlc.resolve("bin/prodb").toString(), "lager", "empty");
      assertThat(made.code).as(made.out).isZero();
      assertThat(dir.resolve("lager.db")).exists();
      Result described =
          exec(dir, env, dlc.resolve("bin/proutil").toString(), "lager", "-C", "describe");
      assertThat(described.code).as(described.out).isZero();
      assertThat(described.out).contains(dir.resolve("lager").toString());
      outputs.add(normalise(described.out.replace(dir.toString(), "DIR")));
    }
    assertThat(outputs.get(0)).isEqualTo(outputs.get(1));
  }

  /** One play in its own work directory (whose name is non-ASCII too); returns that directory. */
  private Path run(Map<String, String> locale) throws Exception {
    Path work = Files.createDirectories(tmp.resolve(locale.isEmpty() ? "posix-ü" : "utf8-ü"));
    Files.writeString(
        work.resolve("inventory-ö.ini"),
        "[sites]\nprod-a-secondär ansible_host="
            + hosts.address(0)
            + " ansible_port="
            + hosts.port(0)
            + " home="
            + hosts.home(0)
            + "\n[sites:vars]\ngreeting=grüße aus Zürich\nansible_user="
            + hosts.user()
            + "\nansible_ssh_private_key_file="
            + hosts.clientKey()
            + "\nbaton_known_hosts_file="
            + hosts.knownHosts()
            + "\n",
        StandardCharsets.UTF_8);
    Files.createDirectories(work.resolve("host_vars"));
    Files.writeString(
        work.resolve("host_vars/prod-a-secondär.yml"),
        "ordner: \"{{ home }}/" + work.getFileName() + "-Prüfung\"\n",
        StandardCharsets.UTF_8);
    Files.writeString(
        work.resolve("prüfung.yml"),
        """
        - hosts: sites
          tasks:
            - name: remote output with umlauts
              command: echo "{{ greeting }}"
              register: said
            - name: a directory and a file with non-ASCII names
              file:
                path: "{{ ordner }}"
                state: directory
            - copy:
                content: "Grüße, {{ inventory_hostname }}"
                dest: "{{ ordner }}/notiz-ä.txt"
            - debug:
                msg: "{{ said.stdout }}"
        """,
        StandardCharsets.UTF_8);
    Map<String, String> env = new LinkedHashMap<>(locale);
    env.put("BATON_HOME", work.resolve("home-ß").toString());
    Result r =
        exec(
            work,
            env,
            ROOT.resolve("baton").toString(),
            "play",
            "-i",
            "inventory-ö.ini",
            "prüfung.yml");
    Files.writeString(work.resolve("out.txt"), r.out, StandardCharsets.UTF_8);
    assertThat(r.code).as(r.out).isZero();
    return work;
  }

  private static Path onlyJournal(Path work) throws IOException {
    try (var s = Files.walk(work.resolve("home-ß"))) {
      return s.filter(p -> p.getFileName().toString().equals("journal.jsonl"))
          .findFirst()
          .orElseThrow();
    }
  }

  /** Drops what differs between any two runs: run ids, timings (and their order), UUIDs, paths. */
  private static String normalise(String out) {
    return out.replaceAll("\\d{8}-\\d{6}-[0-9a-f]{4}", "RUN")
        .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID")
        .replaceAll("[^\\n]* -{5,} [^\\n]*\\n", "")
        .replaceAll("\\d+(\\.\\d+)?\\s?(ms|s)\\b", "T")
        .replaceAll("(posix|utf8)-ü", "WORK")
        .replaceAll("db-[01]-", "db-")
        .replaceAll("[^\\n]*(Started|started|elapsed|[0-9]{2}:[0-9]{2}:[0-9]{2})[^\\n]*\\n", "");
  }

  private record Result(int code, String out) {}

  /** {@code env -i PATH=<cron's> [locale] cmd...}: nothing else of this JVM's environment. */
  private static Result exec(Path cwd, Map<String, String> env, String... cmd)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("env", "-i", "PATH=" + CRON_PATH));
    env.forEach((k, v) -> full.add(k + "=" + v));
    full.addAll(List.of(cmd));
    Process p =
        new ProcessBuilder(full)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("did not finish: " + full);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}

package dev.baton.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.lab.SiteSeed;
import dev.baton.testing.Baton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed playbook as an operator runs it on real OpenSSH machines, then hostile input there:
 * paths and values full of shell syntax reach the remote side as data, never as shell; secrets
 * reach no console line, journal or JUnit report.
 */
class SeedE2eTest {
  /** Shell syntax that would leave a "pwned*" file behind if anything evaluated it. */
  static final String EVIL_NAME = "we ird 'q' \"dq\"; $(touch pwned1) `touch pwned2` & x|y";

  /**
   * The same for a database directory, without the double quote: OpenEdge structure files quote a
   * path with spaces as {@code !"path"}, which cannot hold one.
   */
  static final String EVIL_DB_DIR = "we ird 'q'; $(touch pwned5) `touch pwned6` & x|y";

  static final String EVIL_TEXT =
      "a b 'c' \"d\"; $(touch pwned3) `touch pwned4` $HOME\n second line; rm -rf ~ #\n";

  static final Path SEED = Path.of("playbooks/secondary-replication.yml").toAbsolutePath();

  static SiteLab lab;

  @BeforeAll
  static void start() {
    lab = SiteLab.start(1, 1L << 20);
  }

  @AfterAll
  static void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  /** Nothing evaluated the shell syntax: no pwned file anywhere a command could have run. */
  private static void assertNothingEvaluated() {
    for (SiteLab.Site s : lab.sites()) {
      var r =
          lab.hosts()
              .runOn(
                  s.host(),
                  "find / -xdev -name 'pwned*' 2>/dev/null; find "
                      + s.host().dataPath()
                      + " -name 'pwned*'");
      assertThat(r.stdout()).as(s.name()).isEmpty();
    }
  }

  private static Path yaml(String name, String text) throws IOException {
    Path p = lab.work().resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  /** A YAML double-quoted scalar of any text. */
  private static String q(String s) {
    return "\""
        + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t")
        + "\"";
  }

  @Test
  void seedPlaybookReseedsThePrimaryOverRealOpenSsh() throws Exception {
    SiteLab.Site primary = lab.site(1, "primary");
    SiteLab.Site secondary = lab.site(1, "secondary");
    String sourceDigest = lab.digest(secondary, secondary.db());
    java.util.Map<String, String> oldFiles = new java.util.HashMap<>();
    for (String f : lab.files(primary, primary.dbDir())) {
      oldFiles.put(f, lab.sha256(primary, primary.dbDir() + "/" + f));
    }

    Baton.Result r = lab.baton("play", "-i", lab.inventory().toString(), SEED.toString());

    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(lab.role(secondary)).isEqualTo("source");
    assertThat(lab.role(primary)).isEqualTo("target");
    assertThat(lab.digest(primary, primary.db())).isEqualTo(sourceDigest);
    // The old primary database was moved aside, not deleted: its files, byte for byte (they keep
    // their absolute path under the run's preserve directory).
    String run = SiteLab.runIdOf(r);
    String runDir = primary.preserveDir() + "/" + run;
    String db =
        lab.files(primary, runDir).stream()
            .filter(f -> f.endsWith("/" + SiteLab.DB_NAME + ".db"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no preserved .db under " + runDir));
    String kept = runDir + "/" + db.substring(0, db.lastIndexOf('/'));
    List<String> preserved = lab.files(primary, kept);
    assertThat(preserved).contains(SiteLab.DB_NAME + ".db", SiteLab.DB_NAME + ".d1");
    for (String f : preserved) {
      if (oldFiles.containsKey(f)) {
        assertThat(lab.sha256(primary, kept + "/" + f)).as(f).isEqualTo(oldFiles.get(f));
      }
    }
    String backup = SiteLab.DB_NAME + "-" + run + ".bck";
    assertThat(lab.sha256(primary, primary.backupDir() + "/" + backup))
        .isEqualTo(lab.sha256(secondary, secondary.backupDir() + "/" + backup));
    assertThat(Files.readString(SiteLab.journalOf(r)))
        .contains("\"event\":\"run_finished\"", "\"exit_code\":0")
        // The restore relied on the transfer's verification rather than reading the backup again.
        .contains("\"backup_sha256_by\":\"transfer record\"");
    assertThat(lab.files(primary, primary.backupDir())).contains(backup + ".verified");
  }

  @Test
  void seedPlaybookHandlesADatabasePathFullOfShellSyntax() throws Exception {
    SiteLab.Site primary = lab.site(1, "primary");
    SiteLab.Site secondary = lab.site(1, "secondary");
    // The same path on both machines (each has its own file system at dataPath).
    String dir = primary.host().dataPath() + "/db/" + EVIL_DB_DIR;
    String db = dir + "/" + SiteLab.DB_NAME;
    for (SiteLab.Site s : List.of(primary, secondary)) {
      Files.createDirectories(s.local(dir));
    }
    SiteSeed seed = new SiteSeed(SiteLab.DB_NAME);
    SiteSeed.Side p = lab.side(primary, dir, 20_001);
    SiteSeed.Side sec = lab.side(secondary, dir, 20_001);
    seed.oldPrimary(p, sec, 256 << 10);
    seed.servingSource(sec, p, 1L << 20);
    String oldPrimary = lab.digest(primary, db);
    String source = lab.digest(secondary, db);
    Path vars = yaml("evil-db.yml", "openedge_db: " + q(db) + "\nopenedge_port: 20001\n");

    Baton.Result r =
        lab.baton("play", "-i", lab.inventory().toString(), "-e", "@" + vars, SEED.toString());

    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(lab.role(secondary, db)).isEqualTo("source");
    assertThat(lab.role(primary, db)).isEqualTo("target");
    assertThat(lab.digest(primary, db)).isEqualTo(source);
    assertThat(lab.files(primary, dir)).contains(SiteLab.DB_NAME + ".db");
    // The old database at the hostile path was preserved, not overwritten.
    String run = SiteLab.runIdOf(r);
    assertThat(lab.files(primary, primary.preserveDir() + "/" + run))
        .anyMatch(f -> f.endsWith(SiteLab.DB_NAME + ".db"));
    assertThat(oldPrimary).isNotEqualTo(source);
    assertNothingEvaluated();
  }

  @Test
  void variablesFullOfShellSyntaxArriveAsData() throws Exception {
    SiteLab.Site primary = lab.site(1, "primary");
    String dir = primary.host().dataPath() + "/evil";
    Path vars =
        yaml(
            "evil.yml",
            "evil_dir: " + q(dir) + "\nevil_name: " + q(EVIL_NAME) + "\nevil: " + q(EVIL_TEXT));
    Path book =
        yaml(
            "evil-play.yml",
            """
            - hosts: primary
              tasks:
                - name: a directory named by the variable
                  file:
                    path: "{{ evil_dir }}/{{ evil_name }}.d"
                    state: directory
                - name: a file named by the variable, holding the other one
                  copy:
                    content: "{{ evil }}"
                    dest: "{{ evil_dir }}/{{ evil_name }}.d/{{ evil_name }}"
                - name: through the shell, quoted
                  shell: printf '%s' {{ evil | quote }} > {{ (evil_dir ~ '/shell.txt') | quote }}
                - name: as a command argument
                  command:
                    argv: [touch, "{{ evil_dir }}/{{ evil_name }}.argv"]
                - name: read back
                  command:
                    argv: [cat, "{{ evil_dir }}/{{ evil_name }}.d/{{ evil_name }}"]
                  register: back
                - assert:
                    that: back.stdout == (evil | trim)
            """);
    Files.createDirectories(primary.local(dir));

    Baton.Result r =
        lab.baton("play", "-i", lab.inventory().toString(), "-e", "@" + vars, book.toString());

    assertThat(r.exitCode()).as(r.all()).isZero();
    Path local = primary.local(dir);
    assertThat(local.resolve(EVIL_NAME + ".d").resolve(EVIL_NAME)).hasContent(EVIL_TEXT);
    assertThat(Files.readString(local.resolve(EVIL_NAME + ".d").resolve(EVIL_NAME)))
        .isEqualTo(EVIL_TEXT);
    assertThat(Files.readString(local.resolve("shell.txt"))).isEqualTo(EVIL_TEXT);
    assertThat(local.resolve(EVIL_NAME + ".argv")).exists();
    assertNothingEvaluated();
  }

  @Test
  void secretsReachNoConsoleJournalOrJunitReport() throws Exception {
    String become = "Bec0me-S3cret-Pw";
    String vault = "Vault-S3cret-Value";
    String quiet = "NoLog-S3cret-Value";
    Path vars =
        yaml(
            "secrets.yml",
            "ansible_become_password: " + q(become) + "\nvault_db_password: " + q(vault) + "\n");
    Path book =
        yaml(
            "secrets-play.yml",
            """
            - hosts: all
              vars:
                plain_value: NoLog-S3cret-Value
              tasks:
                - name: become with a password (root's sudo does not ask)
                  command: id -u
                  become: true
                  register: who
                - assert:
                    that: who.stdout == '0'
                - name: a command that prints the vault value
                  shell: echo "db={{ vault_db_password }}"; echo "pw={{ ansible_become_password }}" >&2
                  register: printed
                - name: show what it printed
                  debug:
                    msg: "{{ printed.stdout }} {{ vault_db_password }}"
                - name: a quiet task
                  shell: echo "{{ plain_value }}" > quiet.txt; echo "{{ plain_value }}"
                  no_log: true
                - name: a quiet failure
                  shell: echo "{{ plain_value }}" >&2; exit 4
                  no_log: true
                  ignore_errors: true
                - name: a failure naming the vault value
                  fail:
                    msg: "cannot use {{ vault_db_password }}"
                  ignore_errors: true
            """);
    Path junit = lab.work().resolve("secrets-junit.xml");

    Baton.Result r =
        lab.baton(
            "play",
            "-vvv",
            "-i",
            lab.inventory().toString(),
            "-e",
            "@" + vars,
            "--junit",
            junit.toString(),
            book.toString());

    assertThat(r.exitCode()).as(r.all()).isZero();
    // The values did reach the hosts...
    assertThat(lab.site(1, "primary").host().homeDir().resolve("quiet.txt")).hasContent(quiet);
    // ...and nothing baton wrote shows them.
    String journal = Files.readString(SiteLab.journalOf(r));
    String report = Files.readString(junit);
    for (String secret : List.of(become, vault, quiet)) {
      assertThat(r.all()).as("console").doesNotContain(secret);
      assertThat(journal).as("journal").doesNotContain(secret);
      assertThat(report).as("junit").doesNotContain(secret);
    }
    assertThat(report).contains("<testcase");
    assertThat(r.stdout()).contains("db=********");
  }
}

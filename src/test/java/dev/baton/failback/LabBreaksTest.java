package dev.baton.failback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.lab.EmbeddedLab;
import dev.baton.lab.EmbeddedLab.LabHost;
import dev.baton.lab.LabBreak;
import dev.baton.testing.Baton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each mistake the lab can build in ({@code baton lab up --break}): the read-only pre-flight names
 * it in one line (host, file, key, what it holds, what it must hold) and exits 2; the failback
 * refuses it before its first change, so the old primary database is untouched, no backup is taken
 * and no lock is left. With the old lenient lab and simulator these pairs failed only when the
 * primary was started as a target, after the old database had been replaced.
 */
class LabBreaksTest {
  static final Path PREFLIGHT = Path.of("playbooks/preflight.yml").toAbsolutePath();

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = LabBreak.class,
      names = {"AGENT_NAME", "PORT", "NO_DEFER", "STARTUP_PARAMS", "AI_EXTENTS"})
  void preflightNamesTheMistakeAndTheFailbackChangesNothing(LabBreak broken) throws IOException {
    try (EmbeddedLab lab = EmbeddedLab.start(dir.resolve("lab"), 1, 1L << 20, broken)) {
      Failback fb = new Failback(lab, dir);
      LabHost primary = lab.host("primary");
      LabHost secondary = lab.host("secondary");
      String expected =
          switch (broken) {
            case AGENT_NAME ->
                "primary:"
                    + primary.db()
                    + ".repl.properties [agent] name is 'agent2', must be agent1";
            case PORT ->
                "secondary:"
                    + secondary.db()
                    + ".repl.properties [control-agent.agent1] port is '"
                    + (primary.dbPort() + 1)
                    + "', must be "
                    + primary.dbPort();
            case NO_DEFER ->
                "secondary:"
                    + secondary.db()
                    + ".repl.properties [server] defer-agent-startup is missing, must be 5 to 10080"
                    + " minutes";
            case STARTUP_PARAMS ->
                "primary: "
                    + primary.db()
                    + " would be started with -L 100, below the source's 10000 (openedge_serve_args;";
            case AI_EXTENTS ->
                "secondary:"
                    + secondary.db()
                    + ": after-image extent 1 ("
                    + secondary.dbDir().resolve("sports.a1")
                    + ") is LOCKED, must be EMPTY for the seed's switch (1 LOCKED, 2 LOCKED, 3 BUSY)";
            default -> throw new AssertionError(broken);
          };

      Baton.Result pre =
          Baton.run(dir, fb.env, "play", "-i", lab.inventory().toString(), PREFLIGHT.toString());
      assertThat(pre.exitCode()).as(pre.all()).isEqualTo(2);
      assertThat(pre.stdout())
          .contains("FAIL ")
          .contains(expected)
          .contains("primary: a failback of this pair would be refused: " + expected);

      Map<String, String> primaryFiles = Failback.files(primary, "db", "backups", "preserved");
      String primaryDigest = fb.digest(primary);
      Baton.Result r = fb.play();
      assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
      assertThat(r.stdout()).contains(expected);
      assertThat(Failback.files(primary, "db", "backups", "preserved")).isEqualTo(primaryFiles);
      assertThat(Failback.files(secondary, "backups")).as("no backup taken").isEmpty();
      assertThat(fb.digest(primary)).isEqualTo(primaryDigest);
      assertThat(fb.role(primary)).isEqualTo("source");
      assertThat(Failback.lockOf(primary)).doesNotExist();
      assertThat(Failback.lockOf(secondary)).doesNotExist();
    }
  }

  /**
   * A seed is pending until its target reaches normal processing: a seed backup for another target
   * would spoil it (10440 on real OpenEdge), so it is refused; the same file again (a resume) is
   * reused; force_new_seed takes a new one; a new seed of the same target supersedes.
   */
  @Test
  void aSecondSeedBackupIsRefusedWhileTheFirstIsPending() throws IOException {
    try (EmbeddedLab lab = EmbeddedLab.start(dir.resolve("lab"), 1, 1L << 20)) {
      Failback fb = new Failback(lab, dir);
      LabHost secondary = lab.host("secondary");
      Path book = dir.resolve("seed.yml");
      Files.writeString(
          book,
          """
          - hosts: secondaries
            tasks:
              - openedge_backup:
                  db: "{{ openedge_db }}"
                  dest: "{{ backup_dir }}/{{ name }}.bck"
                  online: true
                  seed: true
                  seed_for: "{{ target }}"
                  force_new_seed: "{{ force | default(false) }}"
          """);
      List<String> base = List.of("play", "-i", lab.inventory().toString(), book.toString());
      Baton.Result first = play(fb, base, "-e", "name=one", "-e", "target=pair-a");
      assertThat(first.exitCode()).as(first.all()).isZero();
      assertThat(first.stdout()).contains("changed: [secondary]");
      assertThat(secondary.dbDir().resolve(".baton-seed.sports")).content().contains("one.bck");

      Baton.Result again = play(fb, base, "-e", "name=one", "-e", "target=pair-a");
      assertThat(again.exitCode()).as(again.all()).isZero();
      assertThat(again.stdout()).contains("ok: [secondary]");

      Baton.Result second = play(fb, base, "-e", "name=two", "-e", "target=pair-b");
      assertThat(second.exitCode()).as(second.all()).isEqualTo(2);
      assertThat(second.stdout())
          .contains("is still pending: its target has not reached normal processing")
          .contains("force_new_seed: true; nothing was changed");
      assertThat(secondary.dir().resolve("backups/two.bck")).doesNotExist();

      Baton.Result forced =
          play(fb, base, "-e", "name=two", "-e", "target=pair-b", "-e", "force=true");
      assertThat(forced.exitCode()).as(forced.all()).isZero();
      assertThat(secondary.dir().resolve("backups/two.bck")).exists();

      // A new seed for the same target supersedes its own pending one.
      Baton.Result same = play(fb, base, "-e", "name=three", "-e", "target=pair-b");
      assertThat(same.exitCode()).as(same.all()).isZero();
      assertThat(secondary.dir().resolve("backups/three.bck")).exists();
    }
  }

  /**
   * openedge_repl_render: true repairs what the pre-flight refuses: both files written from the
   * inventory (the old ones kept), the source's server restarted to read its new file, and the
   * failback completes. Here on a source without deferred agent startup.
   */
  @Test
  void renderingThePropertiesRepairsThePairAndTheFailbackCompletes() throws IOException {
    try (EmbeddedLab lab = EmbeddedLab.start(dir.resolve("lab"), 1, 1L << 20, LabBreak.NO_DEFER)) {
      Failback fb = new Failback(lab, dir);
      LabHost primary = lab.host("primary");
      LabHost secondary = lab.host("secondary");
      String before = Files.readString(secondary.dbDir().resolve("sports.repl.properties"));
      Baton.Result r = fb.play("-e", "openedge_repl_render=true");
      assertThat(r.exitCode()).as(r.all()).isZero();
      assertThat(r.stdout()).contains("TASK [The secondary's replication server runs again]");
      assertThat(
              Failback.result(Failback.journalOf(r), "primary", "The replication properties")
                  .path("data")
                  .path("rendered")
                  .asText())
          .contains("wrote secondary:" + secondary.db() + ".repl.properties (the old one kept as");
      assertThat(Files.readString(secondary.dbDir().resolve("sports.repl.properties")))
          .contains("defer-agent-startup=60");
      try (var kept = Files.list(secondary.dbDir())) {
        assertThat(
                kept.filter(
                        p -> p.getFileName().toString().startsWith("sports.repl.properties.baton-"))
                    .toList())
            .singleElement()
            .satisfies(p -> assertThat(Files.readString(p)).isEqualTo(before));
      }
      assertThat(fb.role(primary)).isEqualTo("target");
      assertThat(fb.digest(primary)).isEqualTo(fb.digest(secondary));
    }
  }

  private Baton.Result play(Failback fb, List<String> base, String... more) throws IOException {
    List<String> args = new java.util.ArrayList<>(base);
    args.addAll(List.of(more));
    return Baton.run(dir, fb.env, args.toArray(String[]::new));
  }
}

package dev.baton.failback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.lab.EmbeddedLab;
import dev.baton.lab.EmbeddedLab.LabHost;
import dev.baton.testing.Baton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several site pairs in one run: a pair that cannot fail back stops on its own, the others
 * complete, and the recap and exit code say which one failed and why; once the pair is fixed,
 * {@code baton resume} finishes it alone.
 */
class FailbackPairsTest {
  @TempDir Path dir;
  EmbeddedLab lab;
  Failback fb;

  @BeforeEach
  void startLab() throws IOException {
    lab = Failback.startLab(dir.resolve("lab"), 3, 2L << 20);
    fb = new Failback(lab, dir);
  }

  @AfterEach
  void stopLab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void everyPairFailsBackInOneRun() throws IOException {
    Baton.Result r = fb.play();

    assertThat(r.exitCode()).as(r.all()).isEqualTo(0);
    for (int pair = 1; pair <= 3; pair++) {
      assertThat(r.stdout())
          .containsPattern(
              "site" + pair + "-primary +: ok=\\d+ +changed=\\d+ +unreachable=0 +failed=0");
      assertPairFailedBack(pair);
      assertThat(r.stdout())
          .contains(
              "site"
                  + pair
                  + "-secondary ("
                  + lab.host(pair, "secondary").db()
                  + ") = source; site"
                  + pair
                  + "-primary ("
                  + lab.host(pair, "primary").db()
                  + ") = target");
    }
  }

  @Test
  void brokenPairFailsAloneTheOthersCompleteAndResumeFinishesIt() throws IOException {
    LabHost broken = lab.host(2, "secondary");
    lab.run(broken, "proshut", EmbeddedLab.DB_NAME, "-by");

    Baton.Result r = fb.play();

    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.stdout())
        .containsPattern("site1-primary +: ok=\\d+ +changed=\\d+ +unreachable=0 +failed=0")
        .containsPattern("site2-primary +: ok=\\d+ +changed=\\d+ +unreachable=0 +failed=1")
        .containsPattern("site3-primary +: ok=\\d+ +changed=\\d+ +unreachable=0 +failed=0")
        .contains("fatal: [site2-primary]: FAILED!")
        .contains("site2-secondary: " + broken.db() + " is not a served replication source");
    for (int pair : new int[] {1, 3}) {
      assertPairFailedBack(pair);
    }
    LabHost stale = lab.host(2, "primary");
    assertThat(fb.role(stale)).isEqualTo("source");
    assertThat(Failback.files(broken, "backups")).isEmpty();
    assertThat(stale.dir().resolve("preserved")).doesNotExist();
    String first = Failback.runId(r);

    lab.run(
        broken,
        "proserve",
        EmbeddedLab.DB_NAME,
        "-S",
        Integer.toString(broken.dbPort()),
        "-DBService",
        "replserv");
    Baton.Result resumed = fb.resume(first);

    assertThat(resumed.exitCode()).as(resumed.all()).isEqualTo(0);
    assertThat(resumed.stdout())
        .containsPattern("site2-primary +: ok=\\d+ +changed=\\d+ +unreachable=0 +failed=0");
    Path journal = Failback.journalOf(resumed);
    for (String host : new String[] {"site1-primary", "site3-primary"}) {
      for (String step : new String[] {"Online backup", "Move the backup", "Preserve the old"}) {
        assertThat(Failback.result(journal, host, step).path("resumed_from").asText())
            .as(host + ": " + step)
            .isEqualTo(first);
      }
    }
    assertThat(
            Failback.result(journal, "site2-primary", "The secondary must be the serving")
                .path("status")
                .asText())
        .as("the fixed secondary was checked again, not judged by the first run's facts")
        .isEqualTo("ok");
    assertThat(Failback.result(journal, "site2-primary", "Online backup").path("status").asText())
        .isEqualTo("changed");
    for (int pair = 1; pair <= 3; pair++) {
      assertPairFailedBack(pair);
    }
  }

  private void assertPairFailedBack(int pair) throws IOException {
    LabHost primary = lab.host(pair, "primary");
    LabHost secondary = lab.host(pair, "secondary");
    assertThat(fb.role(primary)).as("pair " + pair).isEqualTo("target");
    assertThat(fb.role(secondary)).as("pair " + pair).isEqualTo("source");
    assertThat(fb.digest(primary)).as("pair " + pair).isEqualTo(fb.digest(secondary));
    try (var kept = Files.walk(primary.dir().resolve("preserved"))) {
      assertThat(kept.filter(p -> p.getFileName().toString().equals("MANIFEST")).count())
          .as("pair " + pair + ": the old db preserved once, with a manifest")
          .isEqualTo(1);
    }
  }
}

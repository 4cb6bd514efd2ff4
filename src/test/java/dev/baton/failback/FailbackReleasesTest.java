package dev.baton.failback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.lab.EmbeddedLab;
import dev.baton.lab.EmbeddedLab.LabHost;
import dev.baton.testing.Baton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failback on OpenEdge before 12.2, where a failover transition shuts both brokers down and
 * restarts them in their new roles [doc: "DSRUTIL transition failover qualifier"]: the transition
 * step waits until both are served again, so the reverse sync wait and the role checks find them.
 */
class FailbackReleasesTest {
  @TempDir Path dir;

  @Test
  void onTwelveOneTheFailbackWaitsForTheBrokersToRestart() throws IOException {
    try (EmbeddedLab lab = EmbeddedLab.start(dir.resolve("lab"), 1, 1L << 20)) {
      for (LabHost h : lab.hosts()) {
        Files.writeString(
            h.dlc().resolve("version"),
            "OpenEdge Release 12.1 (baton OpenEdge simulator, not Progress OpenEdge)\n");
      }
      Failback fb = new Failback(lab, dir);
      LabHost primary = lab.host("primary");
      LabHost secondary = lab.host("secondary");
      Baton.Result r =
          Baton.run(
              dir,
              fb.env,
              "play",
              "-i",
              lab.inventory().toString(),
              Path.of("playbooks/failback.yml").toAbsolutePath().toString());
      assertThat(r.exitCode()).as(r.all()).isZero();
      var transition = Failback.result(Failback.journalOf(r), "primary", "Fail back online");
      assertThat(transition.path("data").path("brokers_restart").asBoolean()).isTrue();
      assertThat(transition.path("msg").asText())
          .contains("the brokers restarted (OpenEdge 12.1 has no online transition)");
      assertThat(fb.role(primary)).isEqualTo("source");
      assertThat(fb.role(secondary)).isEqualTo("target");
      assertThat(fb.digest(primary)).isEqualTo(fb.digest(secondary));
      assertThat(Files.readString(primary.dbDir().resolve("sports.lg")))
          .containsPattern("(?s)shutting down to restart as source.*\\(333\\)");
    }
  }
}

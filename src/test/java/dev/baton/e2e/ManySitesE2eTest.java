package dev.baton.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.Baton;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ten site pairs (20 network namespaces, each host's sshd and simulator JVMs) failed back in one
 * run with --forks, two of them broken on purpose: the others finish, and the recap and exit code
 * say exactly which failed and why.
 */
class ManySitesE2eTest {
  static final int PAIRS = 10;
  static final int NOT_SERVED = 3;
  static final int PRIMARY_SERVED = 8;

  SiteLab lab;

  @AfterEach
  void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void manyPairsInOneRunTheBrokenOnesFailAloneAndSayWhy() throws Exception {
    lab = SiteLab.start(PAIRS, 1L << 20);
    // Broken on purpose: a secondary whose source is not served, a primary still serving.
    SiteLab.Site idle = lab.site(NOT_SERVED, "secondary");
    assertThat(lab.sh(idle, "proshut sports -by").exitCode()).isZero();
    SiteLab.Site live = lab.site(PRIMARY_SERVED, "primary");
    assertThat(lab.sh(live, "proserve sports -S " + live.dbPort()).exitCode()).isZero();
    Map<Integer, String> sources = new HashMap<>();
    Map<Integer, String> oldPrimaries = new HashMap<>();
    for (int p = 1; p <= PAIRS; p++) {
      SiteLab.Site s = lab.site(p, "secondary");
      sources.put(p, lab.digest(s, s.db()));
      SiteLab.Site pr = lab.site(p, "primary");
      oldPrimaries.put(p, lab.digest(pr, pr.db()));
    }

    Baton.Result r =
        lab.baton(
            "play",
            "-i",
            lab.inventory().toString(),
            "--forks",
            Integer.toString(2 * PAIRS),
            SeedE2eTest.SEED.toString());

    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    for (int p = 1; p <= PAIRS; p++) {
      SiteLab.Site primary = lab.site(p, "primary");
      SiteLab.Site secondary = lab.site(p, "secondary");
      boolean broken = p == NOT_SERVED || p == PRIMARY_SERVED;
      assertThat(r.stdout())
          .as(primary.name())
          .containsPattern(
              primary.name()
                  + " +: ok=\\d+ +changed=\\d+ +unreachable=0 +failed="
                  + (broken ? 1 : 0));
      if (broken) {
        // Nothing changed on a broken pair: the old primary database is as it was.
        assertThat(lab.digest(primary, primary.db())).isEqualTo(oldPrimaries.get(p));
        assertThat(lab.role(primary)).isEqualTo("source");
        assertThat(lab.files(primary, primary.backupDir())).isEmpty();
        assertThat(lab.files(secondary, secondary.backupDir())).isEmpty();
      } else {
        assertThat(lab.role(secondary)).as(secondary.name()).isEqualTo("source");
        assertThat(lab.role(primary)).as(primary.name()).isEqualTo("target");
        assertThat(lab.digest(primary, primary.db())).isEqualTo(sources.get(p));
      }
    }
    assertThat(r.stdout())
        .contains("fatal: [" + lab.site(NOT_SERVED, "primary").name() + "]: FAILED!")
        .contains(idle.name() + ": " + idle.db() + " is not a served replication source")
        .contains("fatal: [" + live.name() + "]: FAILED!")
        .contains(live.name() + ": " + live.db() + " is in use");
  }
}

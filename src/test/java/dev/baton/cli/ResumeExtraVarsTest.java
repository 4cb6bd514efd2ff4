package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.RunOptions;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a resumed run gets back of the first run's extra vars. */
class ResumeExtraVarsTest {
  @Test
  void maskedSecretsAreNotPassedBackButPlainValuesAre() {
    RunOptions first =
        new RunOptions(
            10,
            false,
            null,
            Set.of(),
            Set.of(),
            Map.of("db_password", "Sup3rS3cret", "openedge_db", "/db/x"),
            0,
            null);
    Map<String, Object> recorded = first.redactedExtraVars();

    Map<String, Object> back = ResumeCommand.storedExtraVars(recorded);

    assertThat(back).containsExactly(Map.entry("openedge_db", "/db/x"));
  }
}

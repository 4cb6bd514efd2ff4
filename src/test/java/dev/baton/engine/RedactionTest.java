package dev.baton.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which variable names baton treats as secret, and what it does with their values. */
class RedactionTest {
  @Test
  void secretNamesInAnyCaseAndPosition() {
    for (String name :
        List.of(
            "password",
            "db_PASSWORD",
            "ansible_become_pass",
            "passwd",
            "Secret",
            "api_token_v2",
            "ssh_private_key",
            "vault_id",
            "Credentials")) {
      assertThat(Redaction.secretName(name)).as(name).isTrue();
    }
    for (String name :
        List.of(
            "openedge_db",
            "backup_dir",
            "ansible_ssh_private_key_file",
            "password_file",
            "compass_heading_file",
            "tok",
            "")) {
      assertThat(Redaction.secretName(name)).as(name).isFalse();
    }
  }

  @Test
  void secretValuesAreCollectedFromNestedVariables() {
    Map<String, Object> vars =
        Map.of(
            "db_password", "s3cr3t",
            "site", Map.of("api_token", "tok-123", "name", "east"),
            "short_pass", "ab",
            "plain", "visible");
    assertThat(Redaction.secretValues(vars)).containsExactlyInAnyOrder("s3cr3t", "tok-123");
    assertThat(Redaction.redactVars(vars))
        .containsEntry("db_password", Redaction.MASK)
        .containsEntry("plain", "visible")
        .containsEntry("site", Map.of("api_token", Redaction.MASK, "name", "east"));
  }
}

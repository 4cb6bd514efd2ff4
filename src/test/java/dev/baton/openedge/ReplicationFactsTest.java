package dev.baton.openedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplicationFactsTest {
  @Test
  void statusCodesHaveTheirDocumentedMeaning() {
    assertThat(ReplicationStatus.of(3049).meaning()).isEqualTo("normal processing (in sync)");
    assertThat(ReplicationStatus.of(6021).meaning()).isEqualTo("server normal processing");
    assertThat(ReplicationStatus.of(1101).meaning()).isEqualTo("server processing");
    assertThat(ReplicationStatus.of(3104).meaning()).isEqualTo("agent listening");
    assertThat(ReplicationStatus.of(2103).meaning()).isEqualTo("control agent pre-transition");
    assertThat(ReplicationStatus.of(4242).meaning()).contains("not documented");
    assertThat(ReplicationStatus.of(1101).running()).isTrue();
    assertThat(ReplicationStatus.of(1199).stopped()).isTrue();
    assertThat(ReplicationStatus.of(1199).running()).isFalse();
  }

  @Test
  void statusIsParsedFromDsrutilOutput() {
    assertThat(ReplicationStatus.parse("3049\n")).map(ReplicationStatus::code).contains(3049);
    assertThat(ReplicationStatus.parse("OpenEdge Release 12.8\n\n6021\n"))
        .map(ReplicationStatus::code)
        .contains(6021);
    assertThat(ReplicationStatus.parse("no number here")).isEmpty();
  }

  @Test
  void roleIsReadFromFeatureOneOfDescribe() {
    String head =
        "OpenEdge Database Description\n\nDatabase Name : /db/x\n\nDatabase Features\n\n"
            + "   ID   Feature                            Active  Details\n"
            + "   ----  ---------------------------------  ------  -------\n";
    assertThat(
            ReplicationRole.fromDescribe(head + "      1  OpenEdge Replication   Yes     Source\n"))
        .isEqualTo(ReplicationRole.SOURCE);
    assertThat(
            ReplicationRole.fromDescribe(head + "      1  OpenEdge Replication   Yes     Target\n"))
        .isEqualTo(ReplicationRole.TARGET);
    assertThat(ReplicationRole.fromDescribe(head + "      1  OpenEdge Replication   No\n"))
        .isEqualTo(ReplicationRole.NONE);
    assertThat(ReplicationRole.fromDescribe(head + "      9  64 Bit DBKEYS   Yes\n"))
        .isEqualTo(ReplicationRole.NONE);
    assertThatThrownBy(() -> ReplicationRole.fromDescribe("** Cannot find database (43)"))
        .hasMessageContaining("not a proutil -C describe report");
    assertThatThrownBy(
            () -> ReplicationRole.fromDescribe(head + "  1  OpenEdge Replication  Yes  Weird\n"))
        .hasMessageContaining("does not say Source or Target");
  }

  @Test
  void dbPathSplitsDirectoryAndName() {
    assertThat(DbPath.of("/db/prod/sports.db")).isEqualTo(new DbPath("/db/prod", "sports"));
    assertThat(DbPath.of("/sports")).isEqualTo(new DbPath("/", "sports"));
    assertThat(DbPath.of("sports").file(".st")).isEqualTo("./sports.st");
    assertThatThrownBy(() -> DbPath.of(" ")).hasMessageContaining("db is required");
  }

  @Test
  void utilityLinesSetDlcAndQuoteValues() {
    Utilities oe = new Utilities((l, o) -> null, java.util.Map.of("openedge_dlc", "/opt/my dlc"));
    assertThat(
            oe.line(new DbPath("/db/it's", "x"), "proutil", java.util.List.of("x", "-C", "busy")))
        .isEqualTo(
            "cd '/db/it'\"'\"'s' && DLC='/opt/my dlc' PATH='/opt/my dlc'/bin:\"$PATH\""
                + " proutil x -C busy");
    Utilities plain = new Utilities((l, o) -> null, java.util.Map.of());
    assertThat(
            plain.line(new DbPath("/db", "x"), "probkup", java.util.List.of("online", "x", "/b b")))
        .isEqualTo("cd /db && probkup online x '/b b'");
  }

  /** describe's Details wording is not documented: the status code must agree with it. */
  @Test
  void roleFromDescribeIsCrossCheckedWithTheStatusCode() {
    DbFacts agree = facts(ReplicationRole.SOURCE, 1101);
    assertThat(agree.toMap())
        .containsEntry("role_from_status", "source")
        .containsEntry("role_agrees", true);
    DbFacts disagree = facts(ReplicationRole.SOURCE, 3049);
    assertThat(disagree.toMap())
        .containsEntry("role_from_status", "target")
        .containsEntry("role_agrees", false);
    assertThat(facts(ReplicationRole.TARGET, 2083).toMap()).containsEntry("role_agrees", true);
  }

  private static DbFacts facts(ReplicationRole role, int status) {
    return new DbFacts(
        DbPath.of("/db/x"),
        true,
        6,
        16,
        true,
        java.util.Optional.of(role),
        java.util.Optional.of(ReplicationStatus.of(status)),
        java.util.Optional.empty(),
        java.util.List.of());
  }
}

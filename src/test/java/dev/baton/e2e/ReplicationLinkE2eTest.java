package dev.baton.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.testing.Baton;
import dev.baton.testing.LinkRelay;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole failback (playbooks/failback.yml: seed, start the target, wait for sync, transition,
 * reverse sync) on real OpenSSH machines while the replication link between the pair fails.
 *
 * <p>The secondary's replication server reaches the primary's agent through a {@link LinkRelay} in
 * the root namespace (its {@code .repl.properties} names the relay), so a test cuts the replication
 * connection alone: SSH to both hosts stays up, as when a firewall or a WAN link between data
 * centres drops the replication port while the jump host still reaches both machines.
 */
class ReplicationLinkE2eTest {
  static final Path FAILBACK = Path.of("playbooks/failback.yml").toAbsolutePath();
  static final Duration LIMIT = Duration.ofMinutes(4);
  static final String WAIT = "Wait until the primary is in sync (agent normal processing, 3049)";

  SiteLab lab;
  LinkRelay link;
  SiteLab.Site primary;
  SiteLab.Site secondary;
  String sourceDigest;
  final List<RunningBaton> running = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    lab = SiteLab.start(1, 2L << 20);
    lab.hosts().assumeIsolated();
    primary = lab.site(1, "primary");
    secondary = lab.site(1, "secondary");
    link =
        new LinkRelay(
            lab.hosts().gateway(),
            new InetSocketAddress(primary.host().address(), primary.dbPort()));
    // The secondary's server reaches the primary through the relay: the inventory says so, as one
    // behind NAT or port forwarding would, or the properties pre-flight refuses the pair.
    Path inventory = lab.inventory();
    Files.writeString(
        inventory,
        Files.readString(inventory)
            .replaceFirst(
                "(?m)^(" + java.util.regex.Pattern.quote(primary.name()) + " .*)$",
                "$1 openedge_repl_address="
                    + lab.hosts().gateway().getHostAddress()
                    + " openedge_repl_port="
                    + link.port()));
    // Point the secondary's server at the relay and restart it so that it reads the new address.
    Path props = secondary.local(secondary.dbDir()).resolve(SiteLab.DB_NAME + ".repl.properties");
    String direct = "host=" + primary.host().address() + "\nport=" + primary.dbPort() + "\n";
    String text = Files.readString(props);
    assertThat(text).contains(direct);
    Files.writeString(
        props,
        text.replace(
            direct,
            "host=" + lab.hosts().gateway().getHostAddress() + "\nport=" + link.port() + "\n"));
    assertThat(lab.sh(secondary, "proshut " + SiteLab.DB_NAME + " -by").exitCode()).isZero();
    assertThat(
            lab.sh(
                    secondary,
                    "proserve "
                        + SiteLab.DB_NAME
                        + " -S "
                        + secondary.dbPort()
                        + " -DBService replserv")
                .exitCode())
        .isZero();
    sourceDigest = lab.digest(secondary, secondary.db());
  }

  @AfterEach
  void stop() {
    running.forEach(RunningBaton::close);
    if (link != null) {
      link.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  private List<String> play(String... extra) {
    List<String> args = new ArrayList<>(List.of("play", "-i", lab.inventory().toString()));
    args.addAll(List.of(extra));
    args.add(FAILBACK.toString());
    return args;
  }

  /** What a user checks after the whole failback: roles swapped, the same records on both. */
  private void assertFailedBackAndSwapped() {
    assertThat(lab.role(primary)).isEqualTo("source");
    assertThat(lab.role(secondary)).isEqualTo("target");
    assertThat(lab.digest(primary, primary.db())).isEqualTo(sourceDigest);
    assertThat(lab.digest(secondary, secondary.db())).isEqualTo(sourceDigest);
  }

  private static JsonNode waitResult(Path journal) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> found = new ArrayList<>();
    for (String line : Files.readAllLines(journal)) {
      JsonNode e = json.readTree(line);
      if (e.path("event").asText().equals("host_result") && e.path("task").asText().equals(WAIT)) {
        found.add(e);
      }
    }
    assertThat(found).as("results of '%s' in %s", WAIT, journal).hasSize(1);
    return found.get(0);
  }

  @Test
  void linkCutWhileWaitingForSyncIsWaitedOutAndTheFailbackCompletes() throws Exception {
    RunningBaton b = new RunningBaton(lab.startBaton(play().toArray(String[]::new)));
    running.add(b);
    // Cut before the agent listens: the pair cannot have synchronized before the wait starts.
    b.awaitOutput("TASK [Start the primary as the replication target", LIMIT);
    link.cut();
    b.awaitOutput("TASK [" + WAIT + "]", LIMIT);
    Thread.sleep(6_000);
    assertThat(b.stdout())
        .as("still waiting while the link is down")
        .doesNotContain("TASK [Fail back online");
    link.restore();
    Baton.Result r = b.await(LIMIT);

    assertThat(r.exitCode()).as(r.all()).isZero();
    JsonNode wait = waitResult(SiteLab.journalOf(r));
    assertThat(wait.path("status").asText()).isEqualTo("ok");
    assertThat(wait.path("data").path("status").asInt()).isEqualTo(3049);
    assertThat(wait.path("data").path("elapsed").asLong()).isGreaterThanOrEqualTo(5);
    assertThat(r.stdout()).contains(primary.name() + " (" + primary.db() + ") = source");
    assertFailedBackAndSwapped();
  }

  @Test
  void linkDownLongerThanTheSyncTimeoutFailsBeforeTheTransitionAndResumeCompletes()
      throws Exception {
    link.cut();
    Baton.Result first = lab.baton(play("-e", "sync_timeout=8").toArray(String[]::new));

    assertThat(first.exitCode()).as(first.all()).isEqualTo(2);
    assertThat(first.stdout())
        .contains("fatal: [" + primary.name() + "]: FAILED!")
        .contains("not in sync after")
        .doesNotContain("TASK [Fail back online");
    // Seeded, but nothing transitioned: production is still on the secondary, the source.
    assertThat(lab.role(secondary)).isEqualTo("source");
    assertThat(lab.role(primary)).isEqualTo("target");
    assertThat(lab.digest(primary, primary.db())).isEqualTo(sourceDigest);
    assertThat(waitResult(SiteLab.journalOf(first)).path("status").asText()).isEqualTo("failed");

    link.restore();
    Baton.Result second = lab.baton("resume", SiteLab.runIdOf(first));
    assertThat(second.exitCode()).as(second.all()).isZero();
    assertFailedBackAndSwapped();
  }
}

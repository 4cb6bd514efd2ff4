package dev.baton.openedge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.modules.TaskResult;
import dev.baton.ssh.HostSpec;
import dev.baton.ssh.SshConnector;
import dev.baton.testing.TestHosts;
import dev.baton.testkit.SimLab;
import dev.baton.testkit.TestContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replication-control modules (wait_sync, replication, transition) against a served source and
 * a served target on two SSH hosts. The source's server ships to a port where no agent listens, so
 * the pair stays in "connecting"/"listening": these tests prove the refusals and the timeout path.
 */
class OpenEdgeReplicationSimTest {
  @RegisterExtension final TestHosts hosts = TestHosts.withHosts(2).env(SimLab.simEnv());

  SshConnector ssh;
  SimLab lab;
  Path sec;
  Path pri;
  TestContext onSec;
  TestContext onPri;

  @BeforeEach
  void setUp() throws Exception {
    ssh = new SshConnector(hosts.settings());
    lab =
        new SimLab()
            .use("secondary", ssh.connect(named(hosts.spec(0), "secondary")))
            .use("primary", ssh.connect(named(hosts.spec(1), "primary")));
    sec = lab.dir("secondary");
    pri = lab.dir("primary");
    onSec = lab.context("secondary", "primary");
    onPri = lab.context("primary", "secondary");
    lab.sourceDb(sec, "sdb");
    // The server ships to a port where no agent listens, so the pair stays connecting/listening.
    java.nio.file.Files.writeString(
        sec.resolve("sdb.repl.properties"),
        "[control-agent.agent1]\nhost=127.0.0.1\nport="
            + SimLab.freePort()
            + "\nconnect-timeout=600\n[transition]\ndatabase-role=reverse\n");
    lab.ok(
        sec,
        "proserve",
        "sdb",
        "-S",
        Integer.toString(SimLab.freePort()),
        "-DBService",
        "replserv");
    String backup = sec + "/sdb.bck";
    assertThat(run("openedge_backup", onSec, Map.of("db", sec + "/sdb", "dest", backup)))
        .isInstanceOf(TaskResult.Changed.class);
    assertThat(run("openedge_restore", onPri, Map.of("db", pri + "/pdb", "backup", backup)))
        .isInstanceOf(TaskResult.Changed.class);
    TaskResult serve =
        run(
            "openedge_serve",
            onPri,
            Map.of("db", pri + "/pdb", "port", SimLab.freePort(), "service", "replagent"));
    assertThat(serve).as(serve.msg()).isInstanceOf(TaskResult.Changed.class);
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      lab.close();
    } finally {
      ssh.close();
    }
  }

  private static HostSpec named(HostSpec s, String name) {
    return new HostSpec(
        name,
        s.address(),
        s.port(),
        s.user(),
        s.identityFiles(),
        s.password(),
        s.keyPassphrase(),
        s.proxyJump(),
        s.connectTimeout(),
        s.connectRetries());
  }

  private static TaskResult run(String module, TestContext ctx, Map<String, Object> args)
      throws Exception {
    return OpenEdgeModules.all().stream()
        .filter(m -> m.name().equals(module))
        .findFirst()
        .orElseThrow()
        .run(ctx, args);
  }

  @Test
  void factsOfAServedTargetShowTheAgentStatus() throws Exception {
    TaskResult f = run("openedge_facts", onPri, Map.of("db", pri + "/pdb"));
    @SuppressWarnings("unchecked")
    Map<String, Object> oe = (Map<String, Object>) f.data().get("openedge");
    assertThat(oe).containsEntry("role", "target").containsEntry("served", true);
    assertThat(f.msg())
        .contains("status 3104 (agent listening)")
        .contains("detail 2083 (listening)");
  }

  @Test
  void waitSyncTimesOutNamingTheLastCodeAndItsMeaning() throws Exception {
    TaskResult r =
        run("openedge_wait_sync", onPri, Map.of("db", pri + "/pdb", "timeout", 2, "interval", 0.5));
    assertThat(r).isInstanceOf(TaskResult.Failed.class);
    assertThat(r.msg())
        .contains("not in sync after")
        .contains("3049 (normal processing (in sync))")
        .contains("last status 2083 (listening)");
    assertThat(onPri.progressLines()).anyMatch(l -> l.contains("2083"));

    TaskResult src =
        run("openedge_wait_sync", onSec, Map.of("db", sec + "/sdb", "timeout", 1, "interval", 0.5));
    assertThat(src.msg()).contains("6021").contains("last status 6002 (connecting to agents)");
  }

  @Test
  void replicationActionsCheckTheRoleAndTheCurrentStatus() throws Exception {
    TaskResult wrongSide =
        run("openedge_replication", onPri, Map.of("db", pri + "/pdb", "action", "restart-server"));
    assertThat(wrongSide).isInstanceOf(TaskResult.Failed.class);
    assertThat(wrongSide.msg()).contains("runs on a source");

    TaskResult running =
        run("openedge_replication", onSec, Map.of("db", sec + "/sdb", "action", "restart-server"));
    assertThat(running).isInstanceOf(TaskResult.Ok.class);
    assertThat(running.msg()).contains("already running: 1100 (server connecting)");
  }

  @Test
  void failoverRefusesAPairNotInSyncAndChangesNothing() throws Exception {
    TaskResult r =
        run(
            "openedge_transition",
            onSec,
            Map.of(
                "db",
                sec + "/sdb",
                "mode",
                "failover",
                "peer_host",
                "primary",
                "peer_db",
                pri + "/pdb"));
    assertThat(r).isInstanceOf(TaskResult.Failed.class);
    assertThat(r.msg()).contains("not in sync").contains("6002");
    assertThat(lab.ok(sec, "proutil", "sdb", "-C", "describe").stdout())
        .containsPattern("OpenEdge Replication\\s+Yes\\s+Source");

    TaskResult onTarget =
        run("openedge_transition", onPri, Map.of("db", pri + "/pdb", "mode", "failover"));
    assertThat(onTarget).isInstanceOf(TaskResult.Ok.class);
    assertThat(onTarget.msg()).contains("already a target");
  }

  @Test
  void waitSyncFailsAtOnceWhenTheAgentHasFailed() throws Exception {
    lab.ok(pri, "proshut", "pdb", "-by");
    // A recovery file of another copy of the db: the agent fails (1035) instead of listening.
    java.nio.file.Files.writeString(pri.resolve("pdb.repl.recovery"), "instance=an-old-copy\n");
    lab.ok(
        pri,
        "proserve",
        "pdb",
        "-S",
        Integer.toString(SimLab.freePort()),
        "-DBService",
        "replagent");
    TaskResult r =
        run("openedge_wait_sync", onPri, Map.of("db", pri + "/pdb", "timeout", 600, "interval", 1));
    assertThat(r).isInstanceOf(TaskResult.Failed.class);
    assertThat(r.msg()).contains("cannot get in sync: 1035 (agent failed)");
    assertThat(r.data()).containsEntry("polls", 1);
  }

  @Test
  void restartServerStartsAnEndedServerAgain() throws Exception {
    lab.ok(sec, "dsrutil", "sdb", "-C", "terminate", "server");
    TaskResult r =
        run("openedge_replication", onSec, Map.of("db", sec + "/sdb", "action", "restart-server"));
    assertThat(r).as(r.msg()).isInstanceOf(TaskResult.Changed.class);
    assertThat(r.msg()).contains("was 1199 (server inactive)").contains("now 1100");
    assertThat(lab.ok(sec, "dsrutil", "sdb", "-C", "status", "-detail").stdout().strip())
        .isEqualTo("6002");
  }
}

package dev.baton.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Roles: enabling a source and a target, -REPLTransition, describe and dsrutil status. */
class SimReplicationRoleTest {
  private SimHost host;
  private Path sec;
  private Path pri;

  @BeforeEach
  void setUp() throws Exception {
    host = new SimHost();
    sec = host.dir("secondary");
    pri = host.dir("primary");
    assertThat(host.run(sec, "prodb", "sdb").exit()).isZero();
    assertThat(host.run(sec, "oesim", "write", "sdb", "k", "v").exit()).isZero();
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  private void enableSource() throws Exception {
    SimHost.Result noAi = host.run(sec, "proutil", "sdb", "-C", "enableSiteReplication", "source");
    assertThat(noAi.exit()).isNotZero();
    assertThat(noAi.out()).last().asString().contains("After-imaging").endsWith("(10841)");
    SimHost.Result needsBackup = host.run(sec, "rfutil", "sdb", "-C", "aimage", "begin");
    assertThat(needsBackup.exit()).isNotZero();
    assertThat(host.run(sec, "rfutil", "sdb", "-C", "mark", "backedup").exit()).isZero();
    SimHost.Result ai = host.run(sec, "rfutil", "sdb", "-C", "aimage", "begin");
    assertThat(ai.exit()).as(ai.text()).isZero();
    SimHost.Result en = host.run(sec, "proutil", "sdb", "-C", "enableSiteReplication", "source");
    assertThat(en.exit()).as(en.text()).isZero();
  }

  private static String feature(SimHost.Result describe) {
    return describe.out().stream()
        .filter(l -> l.contains("OpenEdge Replication") && l.strip().startsWith("1 "))
        .findFirst()
        .orElseThrow()
        .strip()
        .replaceAll("\\s+", " ");
  }

  @Test
  void replTransitionLeavesTheRestoredDatabaseEnabledAsTarget() throws Exception {
    enableSource();
    SimHost.Result d = host.run(sec, "proutil", "sdb", "-C", "describe");
    assertThat(d.out().get(0)).isEqualTo("OpenEdge Database Description");
    assertThat(feature(d)).isEqualTo("1 OpenEdge Replication Yes Source");
    int port = SimHost.freePort();
    // Its one control agent is a port where nobody listens: the server keeps connecting.
    java.nio.file.Files.writeString(
        sec.resolve("sdb.repl.properties"),
        "[control-agent.agent1]\nhost=127.0.0.1\nport=" + SimHost.freePort() + "\n");
    SimHost.Result serve =
        host.run(sec, "proserve", "sdb", "-S", Integer.toString(port), "-DBService", "replserv");
    assertThat(serve.exit()).as(serve.text()).isZero();
    assertThat(host.run(sec, "dsrutil", "sdb", "-C", "status").out()).containsExactly("1100");
    assertThat(host.run(sec, "dsrutil", "sdb", "-C", "status", "-detail").out())
        .containsExactly("6002");
    SimHost.Result bk =
        host.run(sec, "probkup", "online", "sdb", host.root + "/s.bck", "-REPLTargetCreation");
    assertThat(bk.exit()).as(bk.text()).isZero();

    SimHost.Result r = host.run(pri, "prorest", "pdb", host.root + "/s.bck", "-REPLTransition");
    assertThat(r.exit()).as(r.text()).isZero();
    assertThat(feature(host.run(pri, "proutil", "pdb", "-C", "describe")))
        .isEqualTo("1 OpenEdge Replication Yes Target");

    SimHost.Result write = host.run(pri, "oesim", "write", "pdb", "x", "y");
    assertThat(write.exit()).isNotZero();
    assertThat(write.out()).last().asString().endsWith("(10386)");

    SimHost.Result again = host.run(pri, "y\n", Map.of(), "prorest", "pdb", host.root + "/s.bck");
    assertThat(again.exit()).isNotZero();
    assertThat(again.out())
        .last()
        .asString()
        .contains("enabled for OpenEdge Replication")
        .endsWith("(10849)");

    SimHost.Result unserved = host.run(pri, "dsrutil", "pdb", "-C", "status");
    assertThat(unserved.exit()).isEqualTo(2);
    int tport = SimHost.freePort();
    SimHost.Result agent =
        host.run(pri, "proserve", "pdb", "-S", Integer.toString(tport), "-DBService", "replagent");
    assertThat(agent.exit()).as(agent.text()).isZero();
    SimHost.Result st = host.run(pri, "dsrutil", "pdb", "-C", "status");
    assertThat(st.exit()).isZero();
    assertThat(st.out()).containsExactly("3104");
    assertThat(host.run(pri, "dsrutil", "pdb", "-C", "status", "-detail").out())
        .containsExactly("2083");
    SimHost.Result servedWrite = host.run(pri, "oesim", "write", "pdb", "x", "y");
    assertThat(servedWrite.exit()).isNotZero();
    assertThat(servedWrite.out()).last().asString().endsWith("(10386)");
    assertThat(host.run(pri, "proshut", "pdb", "-by").exit()).isZero();
    assertThat(host.run(sec, "proshut", "sdb", "-by").exit()).isZero();

    SimHost.Result no =
        host.run(pri, "n\n", Map.of(), "proutil", "pdb", "-C", "disableSiteReplication", "target");
    assertThat(no.exit()).isNotZero();
    SimHost.Result dis =
        host.run(pri, "y\n", Map.of(), "proutil", "pdb", "-C", "disableSiteReplication", "target");
    assertThat(dis.exit()).as(dis.text()).isZero();
    assertThat(feature(host.run(pri, "proutil", "pdb", "-C", "describe")))
        .isEqualTo("1 OpenEdge Replication No");
  }

  @Test
  void targetIsRefusedForDatabaseNotRestoredFromEnabledSource() throws Exception {
    SimHost.Result bk = host.run(sec, "probkup", "sdb", host.root + "/plain.bck");
    assertThat(bk.exit()).as(bk.text()).isZero();
    SimHost.Result r = host.run(pri, "prorest", "pdb", host.root + "/plain.bck");
    assertThat(r.exit()).as(r.text()).isZero();
    SimHost.Result en = host.run(pri, "proutil", "pdb", "-C", "enableSiteReplication", "target");
    assertThat(en.exit()).isNotZero();
    assertThat(en.out())
        .last()
        .asString()
        .contains("not restored from a backup")
        .endsWith("(10845)");
    SimHost.Result fresh = host.run(sec, "proutil", "sdb", "-C", "enableSiteReplication", "target");
    assertThat(fresh.exit()).isNotZero();
    assertThat(fresh.out()).last().asString().endsWith("(10845)");
    SimHost.Result trans =
        host.run(
            pri, "y\n", Map.of(), "prorest", "pdb", host.root + "/plain.bck", "-REPLTransition");
    assertThat(trans.exit()).isNotZero();
    assertThat(trans.out()).last().asString().endsWith("(10845)");
    SimHost.Result status = host.run(pri, "dsrutil", "pdb", "-C", "status");
    assertThat(status.exit()).isEqualTo(3);
  }

  @Test
  void targetCanBeEnabledAfterPlainRestoreOfEnabledSource() throws Exception {
    enableSource();
    assertThat(host.run(sec, "probkup", "sdb", host.root + "/s.bck").exit()).isZero();
    assertThat(host.run(pri, "prorest", "pdb", host.root + "/s.bck").exit()).isZero();
    assertThat(feature(host.run(pri, "proutil", "pdb", "-C", "describe")))
        .isEqualTo("1 OpenEdge Replication No");
    SimHost.Result en = host.run(pri, "proutil", "pdb", "-C", "enableSiteReplication", "target");
    assertThat(en.exit()).as(en.text()).isZero();
    assertThat(feature(host.run(pri, "proutil", "pdb", "-C", "describe")))
        .isEqualTo("1 OpenEdge Replication Yes Target");
  }
}

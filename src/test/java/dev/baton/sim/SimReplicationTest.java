package dev.baton.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.LinkRelay;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replication traffic between two simulated databases on different loopback addresses, through the
 * installed launchers: seeding, startup and normal processing, a cut link, online failover and
 * back, controlled transition, and every refused state.
 */
class SimReplicationTest {
  private static final String SEC_ADDR = "127.0.0.3";
  private static final String PRI_ADDR = "127.0.0.2";
  private SimHost host;
  private Path sec;
  private Path pri;
  private int secPort;
  private int priPort;

  @BeforeEach
  void setUp() throws Exception {
    host = new SimHost();
    sec = host.dir("secondary");
    pri = host.dir("primary");
    secPort = SimHost.freePort();
    priPort = SimHost.freePort();
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  // ---- helpers ---------------------------------------------------------------------------

  private SimHost.Result ok(Path cwd, String... cmd) throws Exception {
    SimHost.Result r = host.run(cwd, cmd);
    assertThat(r.exit()).as(String.join(" ", cmd) + "\n" + r.text()).isZero();
    return r;
  }

  private static void props(Path dir, String db, String host, int port, String extra)
      throws IOException {
    Files.writeString(
        dir.resolve(db + ".repl.properties"),
        "[server]\ncontrol-agents=agent1\ndefer-agent-startup=10\ndatabase="
            + db
            + "\n\n[control-agent.agent1]\nname=agent1\ndatabase=x\nhost="
            + host
            + "\nport="
            + port
            + "\nconnect-timeout=60\n\n[agent]\nname=agent1\ndatabase="
            + db
            + "\n\n[transition]\ndatabase-role=reverse\ntransition=manual\n"
            + "restart-after-transition=1\nonline-transition=1\n"
            + extra);
  }

  /** sdb: a source with a few records, served with replserv, shipping to agentHost:agentPort. */
  private void source(String agentHost, int agentPort, String... startup) throws Exception {
    ok(sec, "prodb", "sdb");
    ok(sec, "oesim", "load", "sdb", "--bytes", "64K", "--record-size", "1K");
    ok(sec, "rfutil", "sdb", "-C", "mark", "backedup");
    ok(sec, "rfutil", "sdb", "-C", "aimage", "begin");
    ok(sec, "proutil", "sdb", "-C", "enableSiteReplication", "source");
    props(sec, "sdb", agentHost, agentPort, "");
    java.util.List<String> serve =
        new java.util.ArrayList<>(
            java.util.List.of(
                "proserve", "sdb", "-S", Integer.toString(secPort), "-DBService", "replserv"));
    serve.addAll(java.util.List.of(startup));
    ok(sec, serve.toArray(String[]::new));
  }

  /** pdb: restored from an online backup of sdb as a target, its properties pointing back. */
  private void seedTarget(String name) throws Exception {
    Path bk = host.root.resolve(name + ".bck");
    ok(sec, "probkup", "online", "sdb", bk.toString(), "-REPLTargetCreation");
    ok(pri, "prorest", "pdb", bk.toString(), "-REPLTransition");
    props(pri, "pdb", SEC_ADDR, secPort, "");
  }

  private void serveTarget() throws Exception {
    ok(pri, "proserve", "pdb", "-S", Integer.toString(priPort), "-DBService", "replagent");
  }

  private String status(Path dir, String db, String... more) throws Exception {
    String[] cmd = new String[4 + more.length];
    cmd[0] = "dsrutil";
    cmd[1] = db;
    cmd[2] = "-C";
    cmd[3] = "status";
    System.arraycopy(more, 0, cmd, 4, more.length);
    SimHost.Result r = host.run(dir, cmd);
    return r.out().isEmpty() ? "exit " + r.exit() : r.out().get(r.out().size() - 1).strip();
  }

  private void awaitStatus(Path dir, String db, String want, String... more) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = status(dir, db, more);
      if (last.equals(want)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        db
            + " status "
            + String.join(" ", more)
            + ": wanted "
            + want
            + ", last "
            + last
            + "\n"
            + replLogs());
  }

  private String replLogs() throws IOException {
    StringBuilder b = new StringBuilder();
    for (Path d : new Path[] {sec, pri}) {
      try (var files = Files.list(d)) {
        for (Path f :
            files
                .filter(f -> f.toString().contains(".repl.") && f.toString().endsWith(".lg"))
                .toList()) {
          b.append("== ").append(f).append('\n').append(Files.readString(f));
        }
      }
    }
    return b.toString();
  }

  private static void await(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  private String digest(Path dir, String db) throws Exception {
    return ok(dir, "oesim", "digest", db).out().get(0);
  }

  private long position(Path dir, String db) throws Exception {
    String d = digest(dir, db);
    return Long.parseLong(d.substring(d.indexOf("position=") + 9).strip());
  }

  /** Digests equal once the target caught up with the (no longer written) source. */
  private void assertSameContent(Path srcDir, String src, Path tgtDir, String tgt)
      throws Exception {
    long want = position(srcDir, src);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (position(tgtDir, tgt) < want && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(digest(tgtDir, tgt)).isEqualTo(digest(srcDir, src));
  }

  private Process writer(Path dir, String db, String log) throws IOException {
    return host.start(dir, "oesim", "writer", db, "--log", log, "--rate", "100/s");
  }

  private long lines(Path f) throws IOException {
    return Files.exists(f) ? Files.readAllLines(f).size() : 0;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    p.waitFor(20, TimeUnit.SECONDS);
  }

  private void assertNothingMissing(Path dir, String db, Path log) throws Exception {
    SimHost.Result r = host.run(dir, "oesim", "missing", db, "--log", log.toString());
    assertThat(r.exit()).as(r.text()).isZero();
    assertThat(r.out().get(0)).matches("checked=[1-9]\\d* missing=0");
  }

  private String feature(Path dir, String db) throws Exception {
    return ok(dir, "proutil", db, "-C", "describe").out().stream()
        .filter(l -> l.strip().startsWith("1 ") && l.contains("OpenEdge Replication"))
        .findFirst()
        .orElseThrow()
        .strip()
        .replaceAll("\\s+", " ");
  }

  // ---- tests -----------------------------------------------------------------------------

  @Test
  void seededTargetSynchronizesAndStreamsEveryCommit() throws Exception {
    source(PRI_ADDR, priPort);
    Path keys = host.root.resolve("keys.log");
    Process w = writer(sec, "sdb", keys.toString());
    await("writer commits", () -> uncheckedLines(keys) > 5);
    seedTarget("seed");
    assertThat(status(sec, "sdb", "-detail")).isEqualTo("6002");
    serveTarget();
    awaitStatus(pri, "pdb", "3049", "-detail");
    assertThat(status(pri, "pdb")).isEqualTo("3101");
    awaitStatus(sec, "sdb", "6021", "-detail");
    assertThat(status(sec, "sdb")).isEqualTo("1101");
    assertThat(status(sec, "sdb", "agent", "-detail")).isEqualTo("3049");
    assertThat(Files.readString(pri.resolve("pdb.repl.agent.lg"))).contains("(3048)");
    long before = lines(keys);
    await("commits in normal processing", () -> uncheckedLines(keys) > before + 20);
    SimHost.Result mon = ok(sec, "dsrutil", "sdb", "-C", "monitor");
    assertThat(mon.out()).contains("Database is enabled as OpenEdge Replication:  Source");
    assertThat(ok(pri, "dsrutil", "pdb", "-C", "monitor").out())
        .contains("Database is enabled as OpenEdge Replication:  Target");
    SimHost.Result refused = host.run(pri, "oesim", "write", "pdb", "k", "v");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.text()).contains("(10386)");
    stop(w);
    assertSameContent(sec, "sdb", pri, "pdb");
    assertNothingMissing(pri, "pdb", keys);
  }

  private long uncheckedLines(Path f) {
    try {
      return lines(f);
    } catch (IOException e) {
      return 0;
    }
  }

  @Test
  void cutLinkGoesBackToConnectingThenRecoversWithoutLosingACommit() throws Exception {
    try (LinkRelay relay = new LinkRelay(new InetSocketAddress(PRI_ADDR, priPort))) {
      source("127.0.0.1", relay.port());
      seedTarget("seed");
      serveTarget();
      awaitStatus(pri, "pdb", "3049", "-detail");
      Path keys = host.root.resolve("keys.log");
      Process w = writer(sec, "sdb", keys.toString());
      await("writer commits", () -> uncheckedLines(keys) > 10);
      relay.cut();
      awaitStatus(sec, "sdb", "6002", "-detail");
      awaitStatus(pri, "pdb", "2083", "-detail");
      long atCut = lines(keys);
      await("commits while the link is down", () -> uncheckedLines(keys) > atCut + 30);
      relay.restore();
      awaitStatus(pri, "pdb", "3049", "-detail");
      assertThat(Files.readString(sec.resolve("sdb.repl.server.lg")))
          .contains("recovery synchronization")
          .contains("(6004)");
      assertThat(Files.readString(pri.resolve("pdb.repl.agent.lg"))).contains("(3050)");
      stop(w);
      assertSameContent(sec, "sdb", pri, "pdb");
      assertNothingMissing(pri, "pdb", keys);
    }
  }

  @Test
  void onlineFailoverAndBackMovesTheWriterAndKeepsEveryCommit() throws Exception {
    source(PRI_ADDR, priPort);
    seedTarget("seed");
    serveTarget();
    awaitStatus(pri, "pdb", "3049", "-detail");
    Path keys1 = host.root.resolve("keys1.log");
    Process w1 = writer(sec, "sdb", keys1.toString());
    await("writer commits", () -> uncheckedLines(keys1) > 10);

    SimHost.Result t = host.run(sec, "dsrutil", "sdb", "-C", "transition", "failover");
    assertThat(t.exit()).as(t.text()).isZero();
    assertThat(t.text()).contains("(10860)");
    // The old source refuses writes: the writer stops with 10386.
    assertThat(w1.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(w1.exitValue()).isEqualTo(1);
    assertThat(feature(sec, "sdb")).isEqualTo("1 OpenEdge Replication Yes Target");
    assertThat(feature(pri, "pdb")).isEqualTo("1 OpenEdge Replication Yes Source");
    awaitStatus(pri, "pdb", "6021", "-detail");
    awaitStatus(sec, "sdb", "3049", "-detail");
    assertNothingMissing(pri, "pdb", keys1);

    Path keys2 = host.root.resolve("keys2.log");
    Process w2 = writer(pri, "pdb", keys2.toString());
    await("writer on the new source", () -> uncheckedLines(keys2) > 10);
    SimHost.Result back = host.run(pri, "dsrutil", "pdb", "-C", "transition", "failover");
    assertThat(back.exit()).as(back.text()).isZero();
    assertThat(w2.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(feature(sec, "sdb")).isEqualTo("1 OpenEdge Replication Yes Source");
    assertThat(feature(pri, "pdb")).isEqualTo("1 OpenEdge Replication Yes Target");
    awaitStatus(pri, "pdb", "3049", "-detail");
    assertSameContent(sec, "sdb", pri, "pdb");
    assertNothingMissing(sec, "sdb", keys1);
    assertNothingMissing(sec, "sdb", keys2);
  }

  @Test
  void targetSeededFromAnotherDatabaseIsRefusedWith1034() throws Exception {
    source(PRI_ADDR, priPort);
    Path other = host.dir("other");
    ok(other, "prodb", "odb");
    ok(other, "oesim", "write", "odb", "k", "v");
    ok(other, "rfutil", "odb", "-C", "mark", "backedup");
    ok(other, "rfutil", "odb", "-C", "aimage", "begin");
    ok(other, "proutil", "odb", "-C", "enableSiteReplication", "source");
    Path bk = host.root.resolve("other.bck");
    ok(other, "probkup", "odb", bk.toString());
    ok(pri, "prorest", "pdb", bk.toString(), "-REPLTransition");
    props(pri, "pdb", SEC_ADDR, secPort, "");
    serveTarget();
    awaitStatus(sec, "sdb", "1034", "agent", "-detail");
    assertThat(status(pri, "pdb", "-detail")).isEqualTo("1034");
    assertThat(status(sec, "sdb", "-detail")).isEqualTo("6060");
    assertThat(Files.readString(pri.resolve("pdb.repl.agent.lg"))).contains("(1034)");
  }

  /** KB P92539 [doc]: an online backup without -REPLTargetCreation does not seed a target. */
  @Test
  void onlineBackupWithoutTargetCreationDoesNotSeed() throws Exception {
    source(PRI_ADDR, priPort);
    Path bk = host.root.resolve("plain.bck");
    ok(sec, "probkup", "online", "sdb", bk.toString());
    ok(pri, "prorest", "pdb", bk.toString(), "-REPLTransition");
    props(pri, "pdb", SEC_ADDR, secPort, "");
    serveTarget();
    awaitStatus(sec, "sdb", "1035", "agent", "-detail");
    assertThat(status(pri, "pdb", "-detail")).isEqualTo("1035");
    assertThat(Files.readString(sec.resolve("sdb.repl.server.lg")))
        .contains("(10700)")
        .contains("This database has not been properly backed up")
        .contains("The OpenEdge Replication Agent agent1 is being terminated.");
  }

  /** Online seeding needs deferred agent startup on the source (5 to 10080 minutes) [doc]. */
  @Test
  void onlineSeedWithoutDeferredAgentStartupIsRefused() throws Exception {
    source(PRI_ADDR, priPort);
    Files.writeString(
        sec.resolve("sdb.repl.properties"),
        Files.readString(sec.resolve("sdb.repl.properties"))
            .replace("defer-agent-startup=10\n", ""));
    ok(sec, "dsrutil", "sdb", "-C", "terminate", "server");
    ok(sec, "dsrutil", "sdb", "-C", "restart", "server");
    seedTarget("seed1");
    serveTarget();
    awaitStatus(sec, "sdb", "1035", "agent", "-detail");
    assertThat(Files.readString(sec.resolve("sdb.repl.server.lg")))
        .contains("defer-agent-startup is not set in [server]")
        .contains("(10864)");
  }

  /**
   * 11.7 to 12.1: a target started with a lock table below its source's does not start its agent
   * (15771) [doc: KB 000035271, P186998]; from 12.2 on it does.
   */
  @Test
  void onTwelveOneATargetBelowItsSourcesStartupParametersDoesNotStartItsAgent() throws Exception {
    Files.writeString(
        host.dlc.resolve("version"),
        "OpenEdge Release 12.1 (baton OpenEdge simulator, not Progress OpenEdge)\n");
    source(PRI_ADDR, priPort, "-L", "10000");
    assertThat(Files.readString(sec.resolve("sdb.lg")))
        .contains("(4241)")
        .contains("Current Size of Lock Table (-L): 10000.");
    seedTarget("seed1");
    serveTarget();
    awaitStatus(pri, "pdb", "1035", "-detail");
    assertThat(Files.readString(pri.resolve("pdb.lg")))
        .contains("(15771)")
        .contains(
            "The value for the database startup argument -L must be greater than or equal to the"
                + " argument's value on the Source database.");
    // Started again with the source's value: the agent starts and synchronizes.
    ok(pri, "proshut", "pdb", "-by");
    ok(sec, "dsrutil", "sdb", "-C", "restart", "server");
    ok(
        pri,
        "proserve",
        "pdb",
        "-S",
        Integer.toString(priPort),
        "-DBService",
        "replagent",
        "-L",
        "10000");
    awaitStatus(pri, "pdb", "3049", "-detail");
  }

  /**
   * After-image extents on a source [doc: "After-image extent states", KB P124750]: the seed's
   * online backup switches extents, a switched extent stays LOCKED until the target has applied it,
   * and with every extent LOCKED the source (-aistall) stalls its writers, the agent reporting
   * 3054, until the new target catches up and the LOCKED extents empty.
   */
  @Test
  void aSeedThatOutlastsTheSourcesAfterImageExtentsStallsItUntilTheTargetHasApplied()
      throws Exception {
    Files.writeString(
        sec.resolve("sdb.st"),
        "b "
            + sec
            + "/sdb.b1\nd \"Schema Area\":6,32;1 "
            + sec
            + "/sdb.d1\na "
            + sec
            + "/sdb.a1 f 64\na "
            + sec
            + "/sdb.a2 f 64\na "
            + sec
            + "/sdb.a3 f 64\n");
    ok(sec, "prostrct", "create", "sdb", "sdb.st");
    ok(sec, "oesim", "load", "sdb", "--bytes", "16K", "--record-size", "1K");
    ok(sec, "rfutil", "sdb", "-C", "mark", "backedup");
    ok(sec, "rfutil", "sdb", "-C", "aimage", "begin");
    ok(sec, "proutil", "sdb", "-C", "enableSiteReplication", "source");
    props(sec, "sdb", PRI_ADDR, priPort, "");
    ok(
        sec,
        "proserve",
        "sdb",
        "-S",
        Integer.toString(secPort),
        "-DBService",
        "replserv",
        "-aistall");
    assertThat(extentStates()).containsExactly("Busy", "Empty", "Empty");
    Path bk = host.root.resolve("seed.bck");
    ok(sec, "probkup", "online", "sdb", bk.toString(), "-REPLTargetCreation");
    assertThat(extentStates()).containsExactly("Locked", "Busy", "Empty");
    String big = "x".repeat(40_000);
    ok(sec, "oesim", "write", "sdb", "a", big);
    ok(sec, "oesim", "write", "sdb", "b", big);
    assertThat(extentStates()).containsExactly("Locked", "Locked", "Busy");
    // Nowhere to switch to: the third write waits.
    Process stalled = host.start(sec, "oesim", "write", "sdb", "c", big);
    awaitStatus(sec, "sdb", "3054", "agent", "-detail");
    assertThat(stalled.isAlive()).isTrue();
    assertThat(Files.readString(sec.resolve("sdb.lg")))
        .contains("(3775)   Can't switch to after-image extent " + sec + "/sdb.a1 it is full.");
    // Another online backup cannot switch either.
    SimHost.Result again =
        host.run(sec, "probkup", "online", "sdb", host.root.resolve("x.bck").toString());
    assertThat(again.exit()).isNotZero();
    assertThat(again.text()).contains("(3775)");
    // The target catches up: every LOCKED extent empties, the writer goes on.
    ok(pri, "prorest", "pdb", bk.toString(), "-REPLTransition");
    props(pri, "pdb", SEC_ADDR, secPort, "");
    serveTarget();
    assertThat(stalled.waitFor(60, TimeUnit.SECONDS)).as(replLogs()).isTrue();
    assertThat(stalled.exitValue()).isZero();
    awaitStatus(pri, "pdb", "3049", "-detail");
    assertThat(extentStates()).containsExactly("Busy", "Empty", "Empty");
    assertThat(Files.readString(sec.resolve("sdb.lg"))).contains("(3789)").contains("(3777)");
  }

  /** Without -aistall, a source with no EMPTY extent to switch to shuts down (3775). */
  @Test
  void aSourceWithoutAiStallShutsDownWhenNoExtentIsEmpty() throws Exception {
    Files.writeString(
        sec.resolve("sdb.st"),
        "d \"Schema Area\":6,32;1 "
            + sec
            + "/sdb.d1\na "
            + sec
            + "/sdb.a1 f 64\na "
            + sec
            + "/sdb.a2 f 64\n");
    ok(sec, "prostrct", "create", "sdb", "sdb.st");
    ok(sec, "rfutil", "sdb", "-C", "mark", "backedup");
    ok(sec, "rfutil", "sdb", "-C", "aimage", "begin");
    ok(sec, "proutil", "sdb", "-C", "enableSiteReplication", "source");
    props(sec, "sdb", PRI_ADDR, priPort, "");
    ok(sec, "proserve", "sdb", "-S", Integer.toString(secPort), "-DBService", "replserv");
    String big = "x".repeat(40_000);
    ok(sec, "oesim", "write", "sdb", "a", big);
    ok(sec, "oesim", "write", "sdb", "b", big);
    SimHost.Result r = host.run(sec, "oesim", "write", "sdb", "c", big);
    assertThat(r.exit()).isNotZero();
    assertThat(r.text()).contains("(3775)");
    awaitStatus(sec, "sdb", "** There is no server for database " + sec + "/sdb. (1423)");
    assertThat(Files.readString(sec.resolve("sdb.lg"))).contains("(3776)");
  }

  private java.util.List<String> extentStates() throws Exception {
    return ok(sec, "rfutil", "sdb", "-C", "aimage", "extent", "list").out().stream()
        .filter(l -> l.startsWith("Status:"))
        .map(l -> l.substring("Status:".length()).strip())
        .toList();
  }

  /** The agent answers only to the control agent its [agent] name names. */
  @Test
  void agentWhoseNameIsNotTheControlAgentIsRefused() throws Exception {
    source(PRI_ADDR, priPort);
    seedTarget("seed1");
    props(pri, "pdb", SEC_ADDR, secPort, "");
    Files.writeString(
        pri.resolve("pdb.repl.properties"),
        Files.readString(pri.resolve("pdb.repl.properties"))
            .replace("[agent]\nname=agent1", "[agent]\nname=agent2"));
    serveTarget();
    awaitStatus(sec, "sdb", "1034", "agent", "-detail");
    assertThat(status(pri, "pdb", "-detail")).isEqualTo("1034");
    assertThat(Files.readString(pri.resolve("pdb.repl.agent.lg")))
        .contains("connects as control agent agent1, but this agent is agent2")
        .contains("(10862)");
  }

  @Test
  void secondOnlineBackupBeforeSyncBreaksTheSeed() throws Exception {
    source(PRI_ADDR, priPort);
    seedTarget("seed1");
    ok(sec, "oesim", "write", "sdb", "after-seed", "x");
    ok(sec, "probkup", "online", "sdb", host.root.resolve("second.bck").toString());
    serveTarget();
    awaitStatus(pri, "pdb", "1035", "-detail");
    assertThat(status(sec, "sdb", "agent", "-detail")).isEqualTo("1035");
    String serverLog = Files.readString(sec.resolve("sdb.repl.server.lg"));
    assertThat(serverLog).contains("(10440)").contains("(10504)");
    // A new seed from the latest backup works.
    ok(pri, "proshut", "pdb", "-by");
    Files.deleteIfExists(pri.resolve("pdb.repl.recovery"));
    host.run(pri, "y\n", java.util.Map.of(), "prodel", "pdb");
    ok(sec, "dsrutil", "sdb", "-C", "restart", "server");
    seedTarget("seed2");
    serveTarget();
    awaitStatus(pri, "pdb", "3049", "-detail");
  }

  @Test
  void quietPointBeforeSyncBreaksTheSeed() throws Exception {
    source(PRI_ADDR, priPort);
    seedTarget("seed1");
    ok(sec, "oesim", "write", "sdb", "after-seed", "x");
    SimHost.Result q = ok(sec, "proquiet", "sdb", "-C", "enable");
    assertThat(q.text()).contains("(10861)");
    ok(sec, "proquiet", "sdb", "-C", "disable");
    serveTarget();
    awaitStatus(pri, "pdb", "1035", "-detail");
    assertThat(Files.readString(sec.resolve("sdb.repl.server.lg"))).contains("(11696)");
  }

  @Test
  void staleRecoveryFileIsDetectedUntilDeleted() throws Exception {
    source(PRI_ADDR, priPort);
    seedTarget("seed");
    Files.writeString(pri.resolve("pdb.repl.recovery"), "instance=some-old-copy\n");
    serveTarget();
    assertThat(status(pri, "pdb", "-detail")).isEqualTo("1035");
    assertThat(status(pri, "pdb")).isEqualTo("3102");
    assertThat(ok(pri, "dsrutil", "pdb", "-C", "monitor").text()).contains("(10851)");
    SimHost.Result running = host.run(pri, "dsrutil", "pdb", "-C", "restart", "agent");
    assertThat(running.exit()).isZero(); // a failed agent may be restarted
    assertThat(status(pri, "pdb", "-detail")).isEqualTo("1035");
    Files.delete(pri.resolve("pdb.repl.recovery"));
    ok(pri, "dsrutil", "pdb", "-C", "restart", "agent");
    ok(sec, "dsrutil", "sdb", "-C", "restart", "server");
    awaitStatus(pri, "pdb", "3049", "-detail");
  }

  @Test
  void emergencyShutdownOfTheTargetBreaksReplication() throws Exception {
    source(PRI_ADDR, priPort);
    seedTarget("seed");
    serveTarget();
    awaitStatus(pri, "pdb", "3049", "-detail");
    ok(pri, "proshut", "pdb", "-byF");
    serveTarget();
    assertThat(status(pri, "pdb", "-detail")).isEqualTo("1035");
    assertThat(ok(pri, "dsrutil", "pdb", "-C", "monitor").text()).contains("(10504)");
  }

  @Test
  void refusedControlsAndTransitionsSayWhy() throws Exception {
    source(PRI_ADDR, priPort);
    seedTarget("seed");
    // Not in sync: the target is not served yet.
    SimHost.Result notSync = host.run(sec, "dsrutil", "sdb", "-C", "transition", "failover");
    assertThat(notSync.exit()).isEqualTo(1);
    assertThat(notSync.text()).contains("(10854)");
    serveTarget();
    awaitStatus(pri, "pdb", "3049", "-detail");
    SimHost.Result onTarget = host.run(pri, "dsrutil", "pdb", "-C", "transition", "failover");
    assertThat(onTarget.exit()).isEqualTo(1);
    assertThat(onTarget.text()).contains("(10856)");
    SimHost.Result running = host.run(sec, "dsrutil", "sdb", "-C", "restart", "server");
    assertThat(running.exit()).isEqualTo(1);
    assertThat(running.text()).contains("(10855)");
    SimHost.Result served = host.run(pri, "dsrutil", "pdb", "-C", "transition");
    assertThat(served.exit()).isEqualTo(1);
    assertThat(served.text()).contains("(10859)");
    // terminate / restart the server
    ok(sec, "dsrutil", "sdb", "-C", "terminate", "server");
    assertThat(status(sec, "sdb")).isEqualTo("1199");
    assertThat(status(sec, "sdb", "-detail")).isEqualTo("6060");
    awaitStatus(pri, "pdb", "2083", "-detail");
    ok(sec, "dsrutil", "sdb", "-C", "restart", "server");
    awaitStatus(pri, "pdb", "3049", "-detail");
    // terminate / restart the agent
    ok(pri, "dsrutil", "pdb", "-C", "terminate", "agent");
    assertThat(status(pri, "pdb", "-detail")).isEqualTo("1038");
    awaitStatus(sec, "sdb", "1038", "agent", "-detail");
    ok(pri, "dsrutil", "pdb", "-C", "restart", "agent");
    awaitStatus(pri, "pdb", "3049", "-detail");
    // database-role=normal refuses the role swap
    Files.writeString(
        sec.resolve("sdb.repl.properties"),
        Files.readString(sec.resolve("sdb.repl.properties"))
            .replace("database-role=reverse", "database-role=normal"));
    SimHost.Result normal = host.run(sec, "dsrutil", "sdb", "-C", "transition", "failover");
    assertThat(normal.exit()).isEqualTo(1);
    assertThat(normal.text()).contains("(10857)");
  }

  /**
   * A source needs after-imaging [doc]: a target restored and then run without it cannot take the
   * source role, online (the agent refuses) or in a controlled transition.
   */
  @Test
  void aTargetWithoutAfterImagingCannotBecomeTheSource() throws Exception {
    source(PRI_ADDR, priPort);
    seedTarget("seed");
    ok(pri, "rfutil", "pdb", "-C", "aimage", "end");
    serveTarget();
    awaitStatus(pri, "pdb", "3049", "-detail");
    SimHost.Result online = host.run(sec, "dsrutil", "sdb", "-C", "transition", "failover");
    assertThat(online.exit()).as(online.text()).isEqualTo(1);
    assertThat(online.text()).contains("After-imaging is not enabled on").contains("(10841)");
    assertThat(feature(pri, "pdb")).isEqualTo("1 OpenEdge Replication Yes Target");
    ok(sec, "proshut", "sdb", "-by");
    ok(pri, "proshut", "pdb", "-by");
    SimHost.Result controlled = host.run(pri, "dsrutil", "pdb", "-C", "transition");
    assertThat(controlled.exit()).isEqualTo(1);
    assertThat(controlled.text()).contains("(10841)");
  }

  /**
   * Before 12.2 there is no online transition: the failover shuts both brokers down and, with
   * restart-after-transition=1, starts them again in their new roles [doc: "DSRUTIL transition
   * failover qualifier"]. In between, both databases are not served.
   */
  @Test
  void beforeTwelveTwoAFailoverRestartsBothBrokers() throws Exception {
    Files.writeString(
        host.dlc.resolve("version"),
        "OpenEdge Release 12.1 (baton OpenEdge simulator, not Progress OpenEdge)\n");
    source(PRI_ADDR, priPort);
    seedTarget("seed");
    serveTarget();
    awaitStatus(pri, "pdb", "3049", "-detail");
    ok(sec, "oesim", "write", "sdb", "before", "the transition");
    SimHost.Result t = host.run(sec, "dsrutil", "sdb", "-C", "transition", "failover");
    assertThat(t.exit()).as(t.text()).isZero();
    assertThat(feature(sec, "sdb")).isEqualTo("1 OpenEdge Replication Yes Target");
    assertThat(feature(pri, "pdb")).isEqualTo("1 OpenEdge Replication Yes Source");
    awaitStatus(pri, "pdb", "6021", "-detail");
    awaitStatus(sec, "sdb", "3049", "-detail");
    // Each broker went down and came back: session end, then a new session begin.
    assertThat(Files.readString(pri.resolve("pdb.lg")))
        .containsPattern(
            "(?s)\\(334\\)[^\\n]*shutting down to restart as source.*\\(333\\).*\\(10471\\)");
    assertThat(Files.readString(sec.resolve("sdb.lg")))
        .containsPattern(
            "(?s)\\(334\\)[^\\n]*shutting down to restart as target.*\\(333\\).*\\(10471\\)");
    ok(pri, "oesim", "write", "pdb", "after", "the transition");
    assertSameContent(pri, "pdb", sec, "sdb");
  }

  /**
   * Online failover with restart-after-transition=0: both databases shut down once the transition
   * is complete [doc: "Automatic restart and online failover transition"].
   */
  @Test
  void anOnlineFailoverWithoutRestartShutsBothDatabasesDown() throws Exception {
    source(PRI_ADDR, priPort);
    seedTarget("seed");
    for (Path d : new Path[] {sec, pri}) {
      String db = d == sec ? "sdb" : "pdb";
      Path f = d.resolve(db + ".repl.properties");
      Files.writeString(
          f,
          Files.readString(f).replace("restart-after-transition=1", "restart-after-transition=0"));
    }
    serveTarget();
    awaitStatus(pri, "pdb", "3049", "-detail");
    SimHost.Result t = host.run(sec, "dsrutil", "sdb", "-C", "transition", "failover");
    assertThat(t.exit()).as(t.text()).isZero();
    await(
        "both brokers gone",
        () -> !Files.exists(sec.resolve("sdb.lk")) && !Files.exists(pri.resolve("pdb.lk")));
    assertThat(feature(sec, "sdb")).isEqualTo("1 OpenEdge Replication Yes Target");
    assertThat(feature(pri, "pdb")).isEqualTo("1 OpenEdge Replication Yes Source");
  }

  @Test
  void controlledTransitionSwapsShutDownDatabasesInTheDocumentedOrder() throws Exception {
    source(PRI_ADDR, priPort);
    seedTarget("seed");
    serveTarget();
    awaitStatus(pri, "pdb", "3049", "-detail");
    ok(sec, "oesim", "write", "sdb", "last", "before shutdown");
    awaitStatus(sec, "sdb", "6021", "-detail");
    assertSameContent(sec, "sdb", pri, "pdb");
    ok(sec, "proshut", "sdb", "-by");
    ok(pri, "proshut", "pdb", "-by");
    SimHost.Result t1 = ok(pri, "dsrutil", "pdb", "-C", "transition");
    assertThat(t1.text()).contains("now an OpenEdge Replication source").contains("(10858)");
    ok(sec, "dsrutil", "sdb", "-C", "transition");
    assertThat(feature(pri, "pdb")).isEqualTo("1 OpenEdge Replication Yes Source");
    assertThat(feature(sec, "sdb")).isEqualTo("1 OpenEdge Replication Yes Target");
    ok(sec, "proserve", "sdb", "-S", Integer.toString(secPort), "-DBService", "replagent");
    ok(pri, "proserve", "pdb", "-S", Integer.toString(priPort), "-DBService", "replserv");
    awaitStatus(sec, "sdb", "3049", "-detail");
    ok(pri, "oesim", "write", "pdb", "after", "transition");
    assertSameContent(pri, "pdb", sec, "sdb");
  }

  @Test
  void controlledTransitionRefusesATargetThatWasNotInSync() throws Exception {
    source(PRI_ADDR, priPort);
    seedTarget("seed");
    SimHost.Result r = host.run(pri, "dsrutil", "pdb", "-C", "transition");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.text()).contains("(10854)");
  }
}

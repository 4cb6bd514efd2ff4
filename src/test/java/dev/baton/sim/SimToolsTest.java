package dev.baton.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Install, prostrct, prodel, and the refusals of utilities used the wrong way. */
class SimToolsTest {
  private SimHost host;
  private Path work;

  @BeforeEach
  void setUp() throws Exception {
    host = new SimHost();
    work = host.dir("work");
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  @Test
  void installIsIdempotentAndWritesLaunchersAndVersion() throws Exception {
    SimInstaller.install(host.dlc);
    for (String u : SimInstaller.UTILITIES) {
      Path launcher = host.dlc.resolve("bin").resolve(u);
      assertThat(Files.isExecutable(launcher)).as(u).isTrue();
      assertThat(Files.readString(launcher))
          .startsWith("#!/bin/sh")
          .contains("dev.baton.sim.SimMain " + u + " \"$@\"")
          .contains("${BATON_SIM_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}");
    }
    assertThat(Files.readString(host.dlc.resolve("version"))).contains("baton OpenEdge simulator");
    assertThat(host.dlc.resolve("lib/baton-sim-classes/dev/baton/sim/SimMain.class")).exists();
    assertThat(host.dlc.resolve("lib/baton-sim-classes/dev/baton/cli")).doesNotExist();
    assertThat(host.run(work, "prodb", "db1").exit()).isZero();
    assertThat(work.resolve("db1.db")).exists();
  }

  @Test
  void prostrctValidateAndCreate() throws Exception {
    Path areas = host.dir("areas");
    Files.writeString(
        work.resolve("new.st"),
        "# new db\nb "
            + areas
            + "\nd \"Schema Area\":6,32;1 "
            + areas
            + "\n"
            + "d \"Data Area\":7,64;8 "
            + areas
            + " f 1024\nd \"Data Area\":7,64;8 "
            + areas
            + "\n");
    SimHost.Result ok = host.run(work, "prostrct", "create", "new", "new.st", "-validate");
    assertThat(ok.exit()).as(ok.text()).isZero();
    assertThat(ok.out()).containsExactly("The structure file format is valid. (12619)");
    assertThat(work.resolve("new.db")).doesNotExist();
    SimHost.Result made =
        host.run(work, "prostrct", "create", "new", "new.st", "-blocksize", "4096");
    assertThat(made.exit()).as(made.text()).isZero();
    assertThat(areas.resolve("new_7.d1")).exists();
    assertThat(areas.resolve("new_7.d2")).exists();
    assertThat(areas.resolve("new.b1")).exists();
    assertThat(host.run(work, "oesim", "write", "new", "a", "b").exit()).isZero();
    SimHost.Result list = host.run(work, "prostrct", "list", "new");
    assertThat(list.exit()).isZero();
    assertThat(Files.readAllLines(work.resolve("new.st")))
        .contains("d \"Data Area\":7,64;8 " + areas.resolve("new_7.d1") + " f 1024");

    Files.writeString(work.resolve("bad.st"), "d \"Schema Area\":6,32;1\nx /tmp/x\n");
    SimHost.Result bad = host.run(work, "prostrct", "create", "bad", "bad.st", "-validate");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.out()).last().asString().contains("line 1").endsWith("(12616)");
    Files.writeString(work.resolve("gone.st"), "d \"Schema Area\":6,32;1 /no/such/dir/gone.d1\n");
    SimHost.Result gone = host.run(work, "prostrct", "create", "gone", "gone.st", "-validate");
    assertThat(gone.exit()).isNotZero();
    assertThat(gone.out()).last().asString().contains("/no/such/dir").endsWith("(12618)");
    SimHost.Result missing = host.run(work, "prostrct", "list", "nodb");
    assertThat(missing.out())
        .containsExactly(
            "PROSTRCT LIST: file "
                + work.resolve("nodb.db")
                + " does not exist, command ignored."
                + " (6921)");
  }

  @Test
  void prodelAsksAndDeletesOnlyOnYes() throws Exception {
    assertThat(host.run(work, "prodb", "gone").exit()).isZero();
    SimHost.Result eof = host.run(work, "prodel", "gone");
    assertThat(eof.exit()).isNotZero();
    assertThat(work.resolve("gone.db")).exists();
    SimHost.Result yes = host.run(work, "y\n", Map.of(), "prodel", "gone");
    assertThat(yes.exit()).as(yes.text()).isZero();
    assertThat(work.resolve("gone.db")).doesNotExist();
    assertThat(work.resolve("gone_7.d1")).doesNotExist();
    SimHost.Result busy = host.run(work, "proutil", "gone", "-C", "busy");
    assertThat(busy.out()).last().asString().endsWith("(43)");
  }

  @Test
  void proserveRefusesDatabaseAlreadyServedAndProshutNeedsServer() throws Exception {
    assertThat(host.run(work, "prodb", "db1").exit()).isZero();
    SimHost.Result noServer = host.run(work, "proshut", "db1", "-by");
    assertThat(noServer.exit()).isNotZero();
    assertThat(noServer.out()).last().asString().endsWith("(1423)");
    int port = SimHost.freePort();
    assertThat(host.run(work, "proserve", "db1", "-S", Integer.toString(port)).exit()).isZero();
    SimHost.Result twice = host.run(work, "proserve", "db1", "-S", Integer.toString(port + 1));
    assertThat(twice.exit()).isNotZero();
    assertThat(twice.out()).last().asString().endsWith("(276)");
    assertThat(host.run(work, "prodb", "db2").exit()).isZero();
    SimHost.Result taken = host.run(work, "proserve", "db2", "-S", Integer.toString(port));
    assertThat(taken.exit()).isNotZero();
    assertThat(taken.out()).last().asString().endsWith("(1432)");
    assertThat(work.resolve("db2.lk")).doesNotExist();
    SimHost.Result wrongCase =
        host.run(work, "proserve", "db1", "-S", "1", "-DBService", "REPLSERV");
    assertThat(wrongCase.exit()).isNotZero();
    SimHost.Result kill = host.run(work, "proshut", "db1", "-byF");
    assertThat(kill.exit()).as(kill.text()).isZero();
    assertThat(work.resolve("db1.lk")).doesNotExist();
    assertThat(host.run(work, "proutil", "db1", "-C", "holder").exit()).isZero();
  }
}

package dev.baton.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** prorest: what it refuses, where it puts extents, and that a refusal leaves nothing behind. */
class SimRestoreTest {
  private SimHost host;
  private Path src;
  private Path dst;
  private Path backup;

  @BeforeEach
  void setUp() throws Exception {
    host = new SimHost();
    src = host.dir("src");
    dst = host.dir("dst");
    backup = host.root.resolve("sdb.bck");
    assertThat(host.run(src, "prodb", "sdb").exit()).isZero();
    assertThat(host.run(src, "oesim", "load", "sdb", "--bytes", "1M").exit()).isZero();
    SimHost.Result bk = host.run(src, "probkup", "sdb", backup.toString());
    assertThat(bk.exit()).as(bk.text()).isZero();
    assertThat(bk.out()).last().isEqualTo("Backup complete. (3740)");
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  private long filesIn(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  void restoreRefusesCorruptBackupAndCreatesNothing() throws Exception {
    byte[] b = Files.readAllBytes(backup);
    b[b.length / 2] ^= 0x5a;
    Path corrupt = host.root.resolve("corrupt.bck");
    Files.write(corrupt, b);
    SimHost.Result r = host.run(dst, "prorest", "pdb", corrupt.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.out()).last().asString().contains("is not a valid backup").endsWith("(6765)");
    assertThat(filesIn(dst)).isZero();
  }

  @Test
  void restoreRefusesTruncatedBackupAndCreatesNothing() throws Exception {
    byte[] b = Files.readAllBytes(backup);
    Path cut = host.root.resolve("cut.bck");
    Files.write(cut, java.util.Arrays.copyOf(b, b.length - 1000));
    SimHost.Result r = host.run(dst, "prorest", "pdb", cut.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.out()).last().asString().contains("truncated").endsWith("(6765)");
    assertThat(filesIn(dst)).isZero();
  }

  @Test
  void restoreHonoursStructureFileBesideTheDatabase() throws Exception {
    Path data = host.dir("data area");
    Path bi = host.dir("bi");
    Files.writeString(
        dst.resolve("pdb.st"),
        "# primary layout\n"
            + "b "
            + bi
            + "/\n"
            + "d \"Schema Area\":6,32;1 "
            + dst
            + "/pdb.d1\n"
            + "d \"Data Area\":7,64;8 !\""
            + data
            + "/pdb_7.d1\"\n");
    SimHost.Result r = host.run(dst, "prorest", "pdb", backup.toString());
    assertThat(r.exit()).as(r.text()).isZero();
    assertThat(data.resolve("pdb_7.d1")).exists();
    assertThat(bi.resolve("pdb.b1")).exists();
    assertThat(dst.resolve("pdb_7.d1")).doesNotExist();
    SimHost.Result list = host.run(dst, "prostrct", "list", "pdb", "listed.st");
    assertThat(list.exit()).as(list.text()).isZero();
    assertThat(Files.readAllLines(dst.resolve("listed.st")))
        .contains("d \"Data Area\":7,64;8 !\"" + data + "/pdb_7.d1\"")
        .contains("b " + bi + "/pdb.b1");
    assertThat(host.run(dst, "oesim", "digest", "pdb").out())
        .isEqualTo(host.run(src, "oesim", "digest", "sdb").out());
  }

  @Test
  void restoreRefusesStructureFileNamingMissingDirectory() throws Exception {
    Files.writeString(
        dst.resolve("pdb.st"),
        "b "
            + dst
            + "/pdb.b1\nd \"Schema Area\":6,32;1 "
            + dst
            + "/pdb.d1\n"
            + "d \"Data Area\":7,64;8 "
            + host.root
            + "/nowhere/pdb_7.d1\n");
    SimHost.Result r = host.run(dst, "prorest", "pdb", backup.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.out()).last().asString().contains("nowhere").endsWith("(12618)");
    assertThat(filesIn(dst)).isEqualTo(1);
    assertThat(host.root.resolve("nowhere")).doesNotExist();
  }

  @Test
  void overwritePromptAbortsOnEndOfInputAndOnNo() throws Exception {
    assertThat(host.run(dst, "prodb", "pdb").exit()).isZero();
    assertThat(host.run(dst, "oesim", "write", "pdb", "mine", "keep me").exit()).isZero();
    byte[] control = Files.readAllBytes(dst.resolve("pdb.db"));
    byte[] data = Files.readAllBytes(dst.resolve("pdb_7.d1"));
    SimHost.Result eof = host.run(dst, "prorest", "pdb", backup.toString());
    assertThat(eof.exit()).isNotZero();
    assertThat(eof.has("Do you want to over write it? [y/n]")).isTrue();
    assertThat(eof.out()).last().asString().endsWith("(6767)");
    SimHost.Result no = host.run(dst, "n\n", Map.of(), "prorest", "pdb", backup.toString());
    assertThat(no.exit()).isNotZero();
    assertThat(no.out()).last().asString().endsWith("(6767)");
    assertThat(Files.readAllBytes(dst.resolve("pdb.db"))).isEqualTo(control);
    assertThat(Files.readAllBytes(dst.resolve("pdb_7.d1"))).isEqualTo(data);
    SimHost.Result yes = host.run(dst, "y\n", Map.of(), "prorest", "pdb", backup.toString());
    assertThat(yes.exit()).as(yes.text()).isZero();
    assertThat(host.run(dst, "oesim", "digest", "pdb").out())
        .isEqualTo(host.run(src, "oesim", "digest", "sdb").out());
  }

  @Test
  void restoreAndOfflineBackupRefuseServedDatabase() throws Exception {
    int port = SimHost.freePort();
    assertThat(host.run(src, "proserve", "sdb", "-S", Integer.toString(port)).exit()).isZero();
    Path other = host.root.resolve("other.bck");
    SimHost.Result off = host.run(src, "probkup", "sdb", other.toString());
    assertThat(off.exit()).isNotZero();
    assertThat(off.out())
        .containsExactly(
            "** The database " + src.resolve("sdb") + " is in use in multi-user mode. (276)");
    assertThat(other).doesNotExist();
    byte[] data = Files.readAllBytes(src.resolve("sdb_7.d1"));
    SimHost.Result r = host.run(src, "y\n", Map.of(), "prorest", "sdb", backup.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.out())
        .last()
        .isEqualTo(
            "** The database " + src.resolve("sdb") + " is in use in multi-user mode. (276)");
    assertThat(Files.readAllBytes(src.resolve("sdb_7.d1"))).isEqualTo(data);
    assertThat(host.run(src, "proshut", "sdb", "-by").exit()).isZero();
  }

  @Test
  void offlineBackupRefusesDatabaseInSingleUserUse() throws Exception {
    Path log = host.root.resolve("w.log");
    host.start(src, "oesim", "writer", "sdb", "--log", log.toString(), "--rate", "50/s");
    for (int i = 0; i < 300 && !Files.exists(src.resolve("sdb.lk")); i++) {
      Thread.sleep(50);
    }
    SimHost.Result off = host.run(src, "probkup", "sdb", host.root + "/x.bck");
    assertThat(off.exit()).isNotZero();
    assertThat(off.out())
        .containsExactly(
            "** The database " + src.resolve("sdb") + " is in use in single-user mode. (263)");
    assertThat(host.run(src, "proutil", "sdb", "-C", "holder").exit()).isEqualTo(14);
    assertThat(host.run(src, "proutil", "sdb", "-C", "busy").exit()).isEqualTo(6);
  }

  @Test
  void onlineBackupNeedsServedDatabase() throws Exception {
    SimHost.Result r = host.run(src, "probkup", "online", "sdb", host.root + "/x.bck");
    assertThat(r.exit()).isNotZero();
    assertThat(r.out()).last().asString().endsWith("(1423)");
  }

  @Test
  void staleLockFileLooksInUse() throws Exception {
    // A lock left by a process that no longer exists, as after a crash.
    Files.writeString(
        src.resolve("sdb.lk"),
        "mode=MULTI_USER\nstate=RUNNING\nhost="
            + LockFile.hostName()
            + "\npid=999999999\nport=1\n");
    SimHost.Result busy = host.run(src, "proutil", "sdb", "-C", "busy");
    assertThat(busy.exit()).isEqualTo(6);
    assertThat(busy.out()).last().asString().endsWith("(276)");
    assertThat(host.run(src, "proutil", "sdb", "-C", "holder").exit()).isEqualTo(16);
    SimHost.Result shut = host.run(src, "proshut", "sdb", "-by");
    assertThat(shut.exit()).isZero();
    assertThat(src.resolve("sdb.lk")).doesNotExist();
  }

  @Test
  void busyExits64WhileTheBrokerIsStarting() throws Exception {
    // What proserve writes before its broker listens, held by a live process (this JVM).
    Files.writeString(
        src.resolve("sdb.lk"),
        "mode=MULTI_USER\nstate=STARTING\nhost="
            + LockFile.hostName()
            + "\npid="
            + ProcessHandle.current().pid()
            + "\nport=1\n");
    SimHost.Result busy = host.run(src, "proutil", "sdb", "-C", "busy");
    assertThat(busy.exit()).isEqualTo(64);
    assertThat(busy.out()).last().asString().endsWith("(1421)");
    Files.delete(src.resolve("sdb.lk"));
  }

  @Test
  void incrementalBackupsApplyInOrderOnTopOfTheFullRestore() throws Exception {
    assertThat(host.run(src, "oesim", "write", "sdb", "inc", "one").exit()).isZero();
    Path inc1 = host.root.resolve("inc1.bck");
    SimHost.Result b1 = host.run(src, "probkup", "sdb", "incremental", inc1.toString());
    assertThat(b1.exit()).as(b1.text()).isZero();
    assertThat(b1.out()).last().isEqualTo("Backup complete. (3740)");
    assertThat(host.run(src, "oesim", "write", "sdb", "inc", "two").exit()).isZero();
    Path inc2 = host.root.resolve("inc2.bck");
    assertThat(host.run(src, "probkup", "sdb", "incremental", inc2.toString()).exit()).isZero();

    assertThat(host.run(dst, "prorest", "pdb", backup.toString()).exit()).isZero();
    SimHost.Result early = host.run(dst, "prorest", "pdb", inc2.toString());
    assertThat(early.exit()).isNotZero();
    assertThat(early.out()).last().asString().contains("out of sequence").endsWith("(6768)");
    SimHost.Result r1 = host.run(dst, "prorest", "pdb", inc1.toString());
    assertThat(r1.exit()).as(r1.text()).isZero();
    assertThat(r1.out().get(0)).startsWith("This is an incremental backup of ").endsWith("(6758)");
    assertThat(host.run(dst, "prorest", "pdb", inc2.toString()).exit()).isZero();
    assertThat(host.run(dst, "oesim", "digest", "pdb").out())
        .isEqualTo(host.run(src, "oesim", "digest", "sdb").out());

    assertThat(host.run(dst, "prodb", "fresh").exit()).isZero();
    SimHost.Result noBase = host.run(dst, "probkup", "fresh", "incremental", host.root + "/x.bck");
    assertThat(noBase.exit()).isNotZero();
    assertThat(noBase.out()).last().asString().endsWith("(6702)");
  }
}

package dev.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.SshConnector;
import dev.baton.testing.TestHosts;
import dev.baton.testkit.FaultyRemote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The transfer engine between two real SSH hosts (in-process MINA servers, real SFTP). */
class TransferSshTest {
  private static final int SIZE = 4 * 1024 * 1024 + 777;

  @RegisterExtension final TestHosts hosts = TestHosts.withHosts(2);

  SshConnector ssh;
  byte[] content;
  Path srcFile;
  Path destDir;

  @BeforeEach
  void setUp() throws Exception {
    ssh = new SshConnector(hosts.settings());
    content = new byte[SIZE];
    new Random(7).nextBytes(content);
    srcFile = Files.createDirectories(hosts.home(0).resolve("backups")).resolve("sdb.bck");
    Files.write(srcFile, content);
    destDir = Files.createDirectories(hosts.home(1).resolve("in"));
  }

  @AfterEach
  void tearDown() {
    ssh.close();
  }

  private static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private TransferRequest relay(Remote src, Remote dst, String dest) {
    return new TransferRequest(
        src, srcFile.toString(), dst, dest, TransferMethod.RELAY, null, null);
  }

  @Test
  void relayOverSftpArrivesVerified() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    try (Remote src = ssh.connect(hosts.spec(0));
        Remote dst = ssh.connect(hosts.spec(1))) {
      TransferOutcome o = Transfers.run(relay(src, dst, dest), (a, b, c, d) -> {});
      assertThat(o.changed()).isTrue();
      assertThat(o.sourceSha256Verified()).isTrue();
      assertThat(o.sha256()).isEqualTo(sha(content));
      assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
      assertThat(Path.of(dest + ".part")).doesNotExist();

      TransferOutcome again = Transfers.run(relay(src, dst, dest), (a, b, c, d) -> {});
      assertThat(again.changed()).isFalse();
      assertThat(again.msg()).startsWith("already transferred and verified");

      // A different file of the same size at dest is replaced, atomically, by the verified one.
      byte[] stale = content.clone();
      stale[SIZE / 2] ^= 1;
      Files.write(Path.of(dest), stale);
      TransferOutcome replaced = Transfers.run(relay(src, dst, dest), (a, b, c, d) -> {});
      assertThat(replaced.changed()).isTrue();
      assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);

      Throwable noDir =
          catchThrowable(
              () ->
                  Transfers.run(
                      relay(src, dst, destDir.resolve("missing/x.bck").toString()),
                      (a, b, c, d) -> {}));
      assertThat(noDir)
          .isInstanceOf(TransferFailed.class)
          .hasMessageContaining("destination directory " + destDir.resolve("missing"))
          .hasMessageEndingWith("does not exist");
    }
  }

  @Test
  void droppedSourceSessionThenResumeSendsOnlyTheRest() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    try (Remote dst = ssh.connect(hosts.spec(1))) {
      Remote src = ssh.connect(hosts.spec(0));
      AtomicBoolean dropped = new AtomicBoolean();
      Throwable t =
          catchThrowable(
              () ->
                  Transfers.run(
                      relay(src, dst, dest),
                      (what, done, total, unit) -> {
                        if (done > 0 && dropped.compareAndSet(false, true)) {
                          src.close();
                        }
                      }));
      assertThat(dropped).isTrue();
      assertThat(t).isInstanceOfAny(RemoteException.class, TransferFailed.class);
      assertThat(Path.of(dest)).doesNotExist();
      long partSize = Files.size(Path.of(dest + ".part"));
      assertThat(partSize).isPositive().isLessThan(SIZE);

      try (Remote again = ssh.connect(hosts.spec(0))) {
        FaultyRemote counting = new FaultyRemote(again);
        TransferOutcome o = Transfers.run(relay(counting, dst, dest), (a, b, c, d) -> {});
        assertThat(o.resumedFrom()).isEqualTo(partSize);
        assertThat(counting.bytesRead()).isEqualTo(SIZE - partSize);
        assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
        assertThat(o.sha256()).isEqualTo(sha(content));
      }
    }
  }

  /**
   * Ranges of 512 KiB: the 4 MiB file is 9 ranges, so four streams each move several, whatever the
   * round trip (the in-process hosts answer well under the 2 ms below which a relay uses one
   * stream).
   */
  private static final Transfers.Tuning RANGE =
      new Transfers.Tuning(512 * 1024, java.time.Duration.ZERO);

  private static List<String> rangeLines(Path log) throws Exception {
    return Files.readAllLines(log).stream().skip(1).toList();
  }

  @Test
  void fourStreamsMoveRangesAtTheirOffsetsAndTheWholeFileIsVerified() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    try (Remote src = ssh.connect(hosts.spec(0));
        Remote dst = ssh.connect(hosts.spec(1))) {
      FaultyRemote counting = new FaultyRemote(src);
      List<Long> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
      TransferOutcome o =
          Transfers.run(
              relay(counting, dst, dest).withStreams(4),
              (what, done, total, unit) -> reported.add(done),
              RANGE);
      assertThat(o.streams()).isEqualTo(4);
      assertThat(o.msg()).contains("over 4 streams");
      assertThat(o.sourceSha256Verified()).isTrue();
      assertThat(o.sha256()).isEqualTo(sha(content));
      assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
      assertThat(Files.getPosixFilePermissions(Path.of(dest)))
          .isEqualTo(Files.getPosixFilePermissions(srcFile));
      assertThat(counting.bytesRead()).as("each byte read once, over all streams").isEqualTo(SIZE);
      assertThat(reported).last().isEqualTo((long) SIZE);
      assertThat(Path.of(dest + ".part")).doesNotExist();
      assertThat(Path.of(dest + ".part.ranges")).doesNotExist();
    }
  }

  @Test
  void aLinkFasterThanTheThresholdUsesOneStream() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    try (Remote src = ssh.connect(hosts.spec(0));
        Remote dst = ssh.connect(hosts.spec(1))) {
      TransferOutcome o =
          Transfers.run(
              relay(src, dst, dest).withStreams(4),
              (a, b, c, d) -> {},
              // 2 ms by default; 5 s here, so that a loaded machine's slow stat cannot decide.
              new Transfers.Tuning(RANGE.rangeBytes(), java.time.Duration.ofSeconds(5)));
      assertThat(o.streams()).isEqualTo(1);
      assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
    }
  }

  @Test
  void aCutWithFourStreamsThenAResumeMovesOnlyTheMissingRanges() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    Path log = Path.of(dest + ".part.ranges");
    try (Remote dst = ssh.connect(hosts.spec(1))) {
      try (Remote src = ssh.connect(hosts.spec(0))) {
        // Every stream's reads count into one total; past 2.5 MiB they fail as a lost link.
        FaultyRemote dying = new FaultyRemote(src).dropAfter(5 * RANGE.rangeBytes() / 2 * 2);
        Throwable t =
            catchThrowable(
                () ->
                    Transfers.run(
                        relay(dying, dst, dest).withStreams(4), (a, b, c, d) -> {}, RANGE));
        assertThat(t).isInstanceOf(RemoteException.class);
      }
      assertThat(Path.of(dest)).doesNotExist();
      List<String> finished = rangeLines(log);
      assertThat(finished).as("ranges recorded before the cut").isNotEmpty();
      long recorded = finished.stream().mapToLong(l -> Long.parseLong(l.split(" ")[1])).sum();
      assertThat(recorded).isLessThan(SIZE);
      // What the log lists is on disk at its offsets.
      byte[] part = Files.readAllBytes(Path.of(dest + ".part"));
      for (String l : finished) {
        int off = Integer.parseInt(l.split(" ")[0]);
        int len = Integer.parseInt(l.split(" ")[1]);
        assertThat(java.util.Arrays.copyOfRange(part, off, off + len))
            .isEqualTo(java.util.Arrays.copyOfRange(content, off, off + len));
      }

      try (Remote again = ssh.connect(hosts.spec(0))) {
        FaultyRemote counting = new FaultyRemote(again);
        TransferOutcome o =
            Transfers.run(relay(counting, dst, dest).withStreams(4), (a, b, c, d) -> {}, RANGE);
        assertThat(o.resumedFrom()).isEqualTo(recorded);
        assertThat(o.bytesSent()).isEqualTo(SIZE - recorded);
        assertThat(counting.bytesRead()).as("only the missing ranges").isEqualTo(SIZE - recorded);
        assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
        assertThat(log).doesNotExist();
      }
    }
  }

  @Test
  void aRangeLogOfAnotherSourceFileIsIgnored() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    // A part and a log from a transfer of an earlier file of the same size (another mtime).
    Files.write(Path.of(dest + ".part"), new byte[SIZE]);
    Files.writeString(
        Path.of(dest + ".part.ranges"),
        "baton-ranges 1 size=" + SIZE + " mtime=1000\n0 " + SIZE + "\n");
    try (Remote src = ssh.connect(hosts.spec(0));
        Remote dst = ssh.connect(hosts.spec(1))) {
      TransferOutcome o =
          Transfers.run(relay(src, dst, dest).withStreams(4), (a, b, c, d) -> {}, RANGE);
      assertThat(o.resumedFrom()).isZero();
      assertThat(o.bytesSent()).isEqualTo(SIZE);
      assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
    }
  }

  @Test
  void corruptionOnTheWayIsCaughtOnTheDestinationHost() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    try (Remote src = ssh.connect(hosts.spec(0));
        Remote dst = ssh.connect(hosts.spec(1))) {
      Throwable t =
          catchThrowable(
              () ->
                  Transfers.run(
                      relay(src, new FaultyRemote(dst).corruptAt(3_000_000), dest),
                      (a, b, c, d) -> {}));
      assertThat(t)
          .isInstanceOf(TransferFailed.class)
          .hasMessageContaining("failed verification, not renamed into place");
      assertThat(Path.of(dest)).doesNotExist();
      assertThat(Path.of(dest + ".part")).doesNotExist();

      // The same with four streams: the flipped byte lies in one of their ranges; the part and
      // its range log are removed, so nothing of the corrupt part is trusted by a later run.
      Throwable ranged =
          catchThrowable(
              () ->
                  Transfers.run(
                      relay(src, new FaultyRemote(dst).corruptAt(3_000_000), dest).withStreams(4),
                      (a, b, c, d) -> {},
                      RANGE));
      assertThat(ranged)
          .isInstanceOf(TransferFailed.class)
          .hasMessageContaining("failed verification, not renamed into place");
      assertThat(Path.of(dest + ".part")).doesNotExist();
      assertThat(Path.of(dest + ".part.ranges")).doesNotExist();
    }
  }

  @Test
  void directPushRunsOnTheSourceHostWithItsOwnSshClient() throws Exception {
    assumeSshClient("direct transfer test");
    String dest = destDir.resolve("sdb.bck").toString();
    try (Remote src = ssh.connect(hosts.spec(0));
        Remote dst = ssh.connect(hosts.spec(1))) {
      FaultyRemote counting = new FaultyRemote(src);
      TransferOutcome o =
          Transfers.run(
              new TransferRequest(
                  counting, srcFile.toString(), dst, dest, TransferMethod.DIRECT, null, peer()),
              (a, b, c, d) -> {});
      assertThat(o.changed()).isTrue();
      assertThat(o.sourceSha256Verified()).isTrue();
      assertThat(counting.bytesRead()).as("no byte passed through baton").isZero();
      assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
    }
  }

  @Test
  void directWithFourStreamsSendsRangesFromTheSourceHostAtTheirOffsets() throws Exception {
    assumeSshClient("direct ranges test");
    // Names that need quoting on both hosts.
    Path odd = srcFile.resolveSibling("sdb it's.bck");
    Files.write(odd, content);
    String dest = destDir.resolve("sdb copy's.bck").toString();
    try (Remote src = ssh.connect(hosts.spec(0));
        Remote dst = ssh.connect(hosts.spec(1))) {
      FaultyRemote counting = new FaultyRemote(src);
      TransferOutcome o =
          Transfers.run(
              new TransferRequest(
                      counting, odd.toString(), dst, dest, TransferMethod.DIRECT, null, peer())
                  .withStreams(4),
              (a, b, c, d) -> {},
              new Transfers.Tuning(1 << 20, java.time.Duration.ZERO));
      assertThat(o.streams()).isEqualTo(4);
      assertThat(o.sourceSha256Verified()).isTrue();
      assertThat(counting.bytesRead()).as("no byte passed through baton").isZero();
      assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
      assertThat(Path.of(dest + ".part.ranges")).doesNotExist();

      // A part and a log of 2 MiB from an earlier run: only the rest is sent again.
      Files.delete(Path.of(dest));
      Files.write(Path.of(dest + ".part"), java.util.Arrays.copyOf(content, 2 << 20));
      Files.writeString(
          Path.of(dest + ".part.ranges"),
          "baton-ranges 1 size="
              + SIZE
              + " mtime="
              + Files.getLastModifiedTime(odd).toMillis() / 1000
              + "\n0 "
              + (2 << 20)
              + "\n");
      TransferOutcome resumed =
          Transfers.run(
              new TransferRequest(
                      src, odd.toString(), dst, dest, TransferMethod.DIRECT, null, peer())
                  .withStreams(4),
              (a, b, c, d) -> {},
              new Transfers.Tuning(1 << 20, java.time.Duration.ZERO));
      assertThat(resumed.resumedFrom()).isEqualTo(2 << 20);
      assertThat(resumed.bytesSent()).isEqualTo(SIZE - (2 << 20));
      assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
    }
  }

  @Test
  void aDirectRangeWhoseReadFailsIsNotRecordedAndTheTransferFailsSayingSo() throws Exception {
    assumeSshClient("direct read failure test");
    String dest = destDir.resolve("sdb.bck").toString();
    try (Remote src = ssh.connect(hosts.spec(0));
        Remote dst = ssh.connect(hosts.spec(1))) {
      Throwable t =
          catchThrowable(
              () ->
                  Transfers.run(
                      new TransferRequest(
                              new FaultyRemote(src).withFailingDdReads(),
                              srcFile.toString(),
                              dst,
                              dest,
                              TransferMethod.DIRECT,
                              null,
                              peer())
                          .withStreams(2),
                      (a, b, c, d) -> {},
                      new Transfers.Tuning(1 << 20, java.time.Duration.ZERO)));
      assertThat(t)
          .isInstanceOf(TransferFailed.class)
          .hasMessageContaining("reading " + srcFile + " failed")
          .hasMessageContaining("kept for resume");
      assertThat(Path.of(dest)).doesNotExist();
      assertThat(rangeLines(Path.of(dest + ".part.ranges"))).as("no range recorded").isEmpty();
    }
  }

  private TransferRequest.DirectPeer peer() {
    return new TransferRequest.DirectPeer(
        hosts.address(1),
        hosts.user(),
        hosts.port(1),
        java.util.List.of(
            "-i",
            hosts.clientKey().toString(),
            "-o",
            "UserKnownHostsFile=" + hosts.knownHosts(),
            "-o",
            "StrictHostKeyChecking=yes",
            "-F",
            "/dev/null"));
  }

  /** The in-process source host runs the direct transfer's commands with this machine's ssh. */
  private static void assumeSshClient(String test) {
    dev.baton.testing.Requirements.check(
        Files.isExecutable(Path.of("/usr/bin/ssh")), "an OpenSSH client at /usr/bin/ssh", test);
  }
}

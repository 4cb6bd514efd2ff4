package dev.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.modules.TaskResult;
import dev.baton.ssh.RemoteException;
import dev.baton.testkit.FaultyRemote;
import dev.baton.testkit.LocalRemote;
import dev.baton.testkit.TestContext;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferTest {
  private static final int SIZE = 3 * 1024 * 1024 + 12345;

  @TempDir Path tmp;
  Path srcFile;
  Path destDir;
  byte[] content;

  @BeforeEach
  void setUp() throws Exception {
    Path srcDir = Files.createDirectories(tmp.resolve("secondary/backups"));
    destDir = Files.createDirectories(tmp.resolve("primary/in coming"));
    content = new byte[SIZE];
    new Random(42).nextBytes(content);
    srcFile = srcDir.resolve("sdb.bck");
    Files.write(srcFile, content);
  }

  private static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private TransferRequest relay(
      dev.baton.ssh.Remote src, dev.baton.ssh.Remote dst, String dest, String expected) {
    return new TransferRequest(
        src, srcFile.toString(), dst, dest, TransferMethod.RELAY, expected, null);
  }

  @Test
  void relayCopiesVerifiesAndIsIdempotent() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    List<String> progress = new ArrayList<>();
    TransferOutcome o =
        Transfers.run(
            relay(new LocalRemote("secondary"), new LocalRemote("primary"), dest, sha(content)),
            (what, done, total, unit) ->
                progress.add(what + " " + done + "/" + total + " " + unit));

    assertThat(o.changed()).isTrue();
    assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
    assertThat(o.sha256()).isEqualTo(sha(content));
    assertThat(o.sourceSha256Verified()).isTrue();
    assertThat(o.bytesSent()).isEqualTo(SIZE);
    assertThat(Path.of(dest + ".part")).doesNotExist();
    // The verification is left beside the file for the restore.
    assertThat(Path.of(dest + VerifiedCopy.SUFFIX))
        .content()
        .contains("sha256=" + sha(content) + "\n")
        .contains("size=" + SIZE + "\n")
        .contains("source=secondary:" + srcFile);
    assertThat(progress)
        .last()
        .asString()
        .startsWith("relay secondary:" + srcFile + " -> primary:" + dest + " ")
        .endsWith(SIZE + "/" + SIZE + " B");

    FaultyRemote counting = new FaultyRemote(new LocalRemote("secondary"));
    TransferOutcome again =
        Transfers.run(relay(counting, new LocalRemote("primary"), dest, null), (a, b, c, d) -> {});
    assertThat(again.changed()).isFalse();
    assertThat(again.msg()).startsWith("already transferred and verified");
    assertThat(counting.bytesRead()).isZero();
  }

  @Test
  void resumeAfterDroppedConnectionSendsOnlyTheRest() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    FaultyRemote dropping = new FaultyRemote(new LocalRemote("secondary")).dropAfter(1_000_000);
    assertThatThrownBy(
            () ->
                Transfers.run(
                    relay(dropping, new LocalRemote("primary"), dest, null), (a, b, c, d) -> {}))
        .isInstanceOf(RemoteException.class)
        .extracting(e -> ((RemoteException) e).kind())
        .isEqualTo(RemoteException.Kind.CONNECTION_LOST);
    long partSize = Files.size(Path.of(dest + ".part"));
    assertThat(partSize).isPositive().isLessThanOrEqualTo(1_000_000);
    assertThat(Path.of(dest)).doesNotExist();

    FaultyRemote counting = new FaultyRemote(new LocalRemote("secondary"));
    TransferOutcome o =
        Transfers.run(relay(counting, new LocalRemote("primary"), dest, null), (a, b, c, d) -> {});
    assertThat(o.resumedFrom()).isEqualTo(partSize);
    assertThat(counting.bytesRead()).isEqualTo(SIZE - partSize);
    assertThat(o.bytesSent()).isEqualTo(SIZE - partSize);
    assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
    assertThat(o.sha256()).isEqualTo(sha(content));
  }

  @Test
  void partThatIsNotAPrefixIsRestartedNotResumed() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    Files.write(Path.of(dest + ".part"), new byte[] {1, 2, 3, 4});
    FaultyRemote counting = new FaultyRemote(new LocalRemote("secondary"));
    TransferOutcome o =
        Transfers.run(relay(counting, new LocalRemote("primary"), dest, null), (a, b, c, d) -> {});
    assertThat(o.resumedFrom()).isZero();
    assertThat(counting.bytesRead()).isEqualTo(SIZE);
    assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
  }

  @Test
  void corruptedDestinationIsDetectedBeforeRename() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    FaultyRemote corrupting = new FaultyRemote(new LocalRemote("primary")).corruptAt(2_000_000);
    assertThatThrownBy(
            () ->
                Transfers.run(
                    relay(new LocalRemote("secondary"), corrupting, dest, null),
                    (a, b, c, d) -> {}))
        .isInstanceOf(TransferFailed.class)
        .hasMessageContaining("failed verification, not renamed into place")
        .hasMessageMatching(".*sha256 on primary is [0-9a-f]{64}, on secondary [0-9a-f]{64}.*");
    assertThat(Path.of(dest)).doesNotExist();
    assertThat(Path.of(dest + ".part")).doesNotExist();
  }

  @Test
  void aSourceWithoutDigestToolsIsCheckedAgainstTheStreamsOwnDigest() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    FaultyRemote bare = new FaultyRemote(new LocalRemote("secondary")).withoutDigestTools();
    FaultyRemote corrupting = new FaultyRemote(new LocalRemote("primary")).corruptAt(2_000_000);
    assertThatThrownBy(() -> Transfers.run(relay(bare, corrupting, dest, null), (a, b, c, d) -> {}))
        .isInstanceOf(TransferFailed.class)
        .hasMessageContaining("failed verification, not renamed into place")
        .hasMessageContaining("differ from the bytes read");
    assertThat(Path.of(dest)).doesNotExist();

    TransferOutcome o =
        Transfers.run(relay(bare, new LocalRemote("primary"), dest, null), (a, b, c, d) -> {});
    assertThat(Files.readAllBytes(Path.of(dest))).isEqualTo(content);
    assertThat(o.sha256()).isEqualTo(sha(content));
    // Verified against what baton read, not against a digest the source host computed.
    assertThat(o.sourceSha256Verified()).isFalse();
  }

  @Test
  void expectedDigestMismatchFails() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    String wrong = "0".repeat(64);
    assertThatThrownBy(
            () ->
                Transfers.run(
                    relay(new LocalRemote("secondary"), new LocalRemote("primary"), dest, wrong),
                    (a, b, c, d) -> {}))
        .isInstanceOf(TransferFailed.class)
        .hasMessageContaining("expected " + wrong);
    assertThat(Path.of(dest)).doesNotExist();
  }

  @Test
  void insufficientFreeSpaceIsRefusedBeforeAnyByte() throws Exception {
    // A sparse source bigger than the destination's free space: real sizes, no disk used.
    Path huge = tmp.resolve("secondary/backups/huge.bck");
    long free = Files.getFileStore(destDir).getUsableSpace();
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(free + (1L << 30));
    }
    String dest = destDir.resolve("huge.bck").toString();
    FaultyRemote counting = new FaultyRemote(new LocalRemote("secondary"));
    assertThatThrownBy(
            () ->
                Transfers.run(
                    new TransferRequest(
                        counting,
                        huge.toString(),
                        new LocalRemote("primary"),
                        dest,
                        TransferMethod.RELAY,
                        null,
                        null),
                    (a, b, c, d) -> {}))
        .isInstanceOf(TransferFailed.class)
        .hasMessageContaining("not enough free space");
    assertThat(counting.bytesRead()).isZero();
    assertThat(Path.of(dest + ".part")).doesNotExist();
  }

  @Test
  void failedTransferStopsTheSourceDigest() throws Exception {
    // A sparse 8 GiB source: its digest takes far longer than the failed copy.
    Path big = tmp.resolve("secondary/backups/big.bck");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(8L << 30);
    }
    FaultyRemote dropping = new FaultyRemote(new LocalRemote("secondary")).dropAfter(1 << 20);
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                Transfers.run(
                    new TransferRequest(
                        dropping,
                        big.toString(),
                        new LocalRemote("primary"),
                        destDir.resolve("big.bck").toString(),
                        TransferMethod.RELAY,
                        null,
                        null),
                    (a, b, c, d) -> {}));
    assertThat(t).isInstanceOf(RemoteException.class);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!readersOf(big).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(readersOf(big)).as("processes still reading the source").isEmpty();
  }

  /** Pids of processes that hold {@code file} open (Linux /proc). */
  private static List<Long> readersOf(Path file) {
    List<Long> out = new ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            ph -> {
              Path fds = Path.of("/proc/" + ph.pid() + "/fd");
              try (var s = Files.list(fds)) {
                if (s.anyMatch(
                    fd -> {
                      try {
                        return Files.readSymbolicLink(fd).equals(file);
                      } catch (Exception e) {
                        return false;
                      }
                    })) {
                  out.add(ph.pid());
                }
              } catch (Exception e) {
                // not ours or gone
              }
            });
    return out;
  }

  @Test
  void sharedMountVerifiesWithoutCopying() throws Exception {
    TransferOutcome o =
        Transfers.run(
            new TransferRequest(
                new LocalRemote("secondary"),
                srcFile.toString(),
                new LocalRemote("primary"),
                srcFile.toString(),
                TransferMethod.SHARED,
                null,
                null),
            (a, b, c, d) -> {});
    assertThat(o.changed()).isFalse();
    assertThat(o.sha256()).isEqualTo(sha(content));

    Path other = destDir.resolve("sdb.bck");
    byte[] altered = content.clone();
    altered[7] ^= 1;
    Files.write(other, altered);
    assertThatThrownBy(
            () ->
                Transfers.run(
                    new TransferRequest(
                        new LocalRemote("secondary"),
                        srcFile.toString(),
                        new LocalRemote("primary"),
                        other.toString(),
                        TransferMethod.SHARED,
                        null,
                        null),
                    (a, b, c, d) -> {}))
        .isInstanceOf(TransferFailed.class)
        .hasMessageContaining("shared mount mismatch");
  }

  @Test
  void directCommandLineQuotesEveryValue() {
    TransferRequest req =
        new TransferRequest(
            new LocalRemote("s"),
            "/b/it's.bck",
            new LocalRemote("p"),
            "/in/x y.bck",
            TransferMethod.DIRECT,
            null,
            new TransferRequest.DirectPeer("10.0.0.5", "oe", 2222, java.util.List.of()));
    assertThat(DirectPush.commandLine(req, "/in/x y.bck.part", 0))
        .isEqualTo(
            "tail -c +1 < '/b/it'\"'\"'s.bck' | ssh -o BatchMode=yes -p 2222 -l oe 10.0.0.5"
                + " 'cat > '\"'\"'/in/x y.bck.part'\"'\"''");
  }

  @Test
  void moduleReportsChangedThenOk() throws Exception {
    String dest = destDir.resolve("sdb.bck").toString();
    TestContext ctx =
        new TestContext("primary", new LocalRemote("primary"), Map.of())
            .addHost("secondary", new LocalRemote("secondary"), Map.of());
    Map<String, Object> args =
        Map.of("src_host", "secondary", "src", srcFile.toString(), "dest", dest);
    TaskResult first = new TransferModule().run(ctx, args);
    assertThat(first).isInstanceOf(TaskResult.Changed.class);
    assertThat(first.data())
        .containsEntry("sha256", sha(content))
        .containsEntry("size", (long) SIZE);
    assertThat(ctx.progressLines()).isNotEmpty();
    TaskResult second = new TransferModule().run(ctx, args);
    assertThat(second).isInstanceOf(TaskResult.Ok.class);
    assertThat(second.msg()).startsWith("already transferred and verified");
  }

  @Test
  void aRetryBudgetThatIsNotSecondsIsRefusedBeforeAnythingMoves() throws Exception {
    String dest = destDir.resolve("never.bck").toString();
    TestContext ctx =
        new TestContext("primary", new LocalRemote("primary"), Map.of())
            .addHost("secondary", new LocalRemote("secondary"), Map.of());
    TaskResult r =
        new TransferModule()
            .run(
                ctx,
                Map.of(
                    "src_host",
                    "secondary",
                    "src",
                    srcFile.toString(),
                    "dest",
                    dest,
                    "retry_budget",
                    "soon"));
    assertThat(r).isInstanceOf(TaskResult.Failed.class);
    assertThat(r.msg())
        .isEqualTo("transfer: retry_budget must be whole seconds (0 or more), not 'soon'");
    assertThat(Path.of(dest)).doesNotExist();
    assertThat(Path.of(dest + ".part")).doesNotExist();
  }
}

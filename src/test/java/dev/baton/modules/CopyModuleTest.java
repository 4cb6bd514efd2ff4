package dev.baton.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CopyModuleTest extends ModuleTestBase {
  private final Copy copy = new Copy();

  @Test
  void copyWritesContentWithModeThenIsIdempotent() throws Exception {
    String dest = dir.resolve("app.conf").toString();
    Map<String, Object> args = Map.of("content", "port=1\n", "dest", dest, "mode", "0640");
    TaskResult first = run(copy, args);
    assertChanged(first);
    assertThat(Files.readString(Path.of(dest))).isEqualTo("port=1\n");
    assertThat(mode(Path.of(dest))).isEqualTo("0640");
    assertThat(first.data())
        .containsEntry("dest", dest)
        .containsEntry("checksum", Checksums.sha1("port=1\n".getBytes()))
        .containsEntry("mode", "0640");

    assertOk(run(copy, args));
    // No temp files are left beside the destination.
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).containsExactly(Path.of(dest));
    }
  }

  @Test
  void copyChangesOnlyTheModeWhenContentIsSame() throws Exception {
    String dest = dir.resolve("f").toString();
    assertChanged(run(copy, Map.of("content", "x", "dest", dest, "mode", 0600)));
    long inode = (long) Files.getAttribute(Path.of(dest), "unix:ino");
    TaskResult r = run(copy, Map.of("content", "x", "dest", dest, "mode", 0644));
    assertChanged(r);
    assertThat(r.msg()).contains("mode 0644").doesNotContain("content");
    assertThat(mode(Path.of(dest))).isEqualTo("0644");
    assertThat((long) Files.getAttribute(Path.of(dest), "unix:ino")).isEqualTo(inode);
  }

  @Test
  void copyStreamsALocalFileRelativeToThePlaybookIntoADirectory() throws Exception {
    byte[] data = new byte[20 * 1024 * 1024 + 17];
    new Random(7).nextBytes(data);
    Files.createDirectories(local.resolve("files"));
    Files.write(local.resolve("files/big.bin"), data);
    TaskResult r = run(copy, Map.of("src", "files/big.bin", "dest", dir + "/"));
    assertChanged(r);
    Path copied = dir.resolve("big.bin");
    assertThat(Files.mismatch(copied, local.resolve("files/big.bin"))).isEqualTo(-1);
    assertThat(mode(copied)).isEqualTo("0644");
    assertThat(ctx.progress).isNotEmpty();
    assertThat(ctx.progress.get(ctx.progress.size() - 1))
        .endsWith(data.length + "/" + data.length + "B");

    ctx.progress.clear();
    assertOk(run(copy, Map.of("src", "files/big.bin", "dest", dir.toString())));
    assertThat(ctx.progress).isEmpty();
  }

  @Test
  void copyReplacesChangedContentAtomicallyKeepingModeAndBackingUp() throws Exception {
    Path dest = dir.resolve("conf");
    Files.writeString(dest, "old");
    Files.setPosixFilePermissions(
        dest, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    TaskResult r = run(copy, Map.of("content", "new", "dest", dest.toString(), "backup", true));
    assertChanged(r);
    assertThat(Files.readString(dest)).isEqualTo("new");
    assertThat(mode(dest)).isEqualTo("0600");
    Path backup = Path.of((String) r.data().get("backup_file"));
    assertThat(Files.readString(backup)).isEqualTo("old");
  }

  @Test
  void copyInCheckModeReportsChangeWithoutWriting() throws Exception {
    Path dest = dir.resolve("c");
    TaskResult r = check(copy, Map.of("content", "x", "dest", dest.toString(), "mode", "0600"));
    assertChanged(r);
    assertThat(dest).doesNotExist();
    Files.writeString(dest, "old");
    assertChanged(check(copy, Map.of("content", "x", "dest", dest.toString())));
    assertThat(Files.readString(dest)).isEqualTo("old");
  }

  @Test
  void copyForceNoLeavesExistingFile() throws Exception {
    Path dest = dir.resolve("keep");
    Files.writeString(dest, "mine");
    assertOk(run(copy, Map.of("content", "theirs", "dest", dest.toString(), "force", "no")));
    assertThat(Files.readString(dest)).isEqualTo("mine");
  }

  @Test
  void copyToHostileNameArrivesLiterally() throws Exception {
    Path dest = dir.resolve(HOSTILE);
    assertChanged(run(copy, Map.of("content", HOSTILE, "dest", dest.toString(), "mode", "0600")));
    assertThat(Files.readString(dest)).isEqualTo(HOSTILE);
    assertThat(mode(dest)).isEqualTo("0600");
    assertOk(run(copy, Map.of("content", HOSTILE, "dest", dest.toString(), "mode", "0600")));
    assertThat(dir.resolve("PWNED")).doesNotExist();
    assertThat(HOSTS.home(0).resolve("PWNED")).doesNotExist();
  }

  @Test
  void copyFailsClearlyWhenDestinationDirectoryIsMissing() throws Exception {
    TaskResult r = run(copy, Map.of("content", "x", "dest", dir + "/nope/f"));
    assertFailed(r);
    assertThat(r.msg()).isEqualTo("copy: destination directory " + dir + "/nope does not exist");
  }

  @Test
  void copyFailsClearlyWhenSrcIsMissing() throws Exception {
    TaskResult r = run(copy, Map.of("src", "files/none", "dest", dir.toString()));
    assertFailed(r);
    assertThat(r.msg())
        .isEqualTo(
            "copy: could not find src=files/none (looked in "
                + local.resolve("files/files/none")
                + ", "
                + local.resolve("files/none")
                + ")");
  }

  @Test
  void copyValidateRejectsBadFileAndLeavesOldOne() throws Exception {
    Path dest = dir.resolve("v");
    Files.writeString(dest, "good");
    TaskResult r =
        run(copy, Map.of("content", "bad", "dest", dest.toString(), "validate", "grep -q good %s"));
    assertFailed(r);
    assertThat(r.msg()).contains("failed to validate");
    assertThat(Files.readString(dest)).isEqualTo("good");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).containsExactly(dest);
    }
  }

  @Test
  void copyDirectoryCopiesTreeAndIsIdempotent() throws Exception {
    Files.createDirectories(local.resolve("tree/sub"));
    Files.writeString(local.resolve("tree/a"), "A");
    Files.writeString(local.resolve("tree/sub/b"), "B");
    assertChanged(run(copy, Map.of("src", "tree", "dest", dir.toString())));
    assertThat(Files.readString(dir.resolve("tree/a"))).isEqualTo("A");
    assertThat(Files.readString(dir.resolve("tree/sub/b"))).isEqualTo("B");
    assertOk(run(copy, Map.of("src", "tree", "dest", dir.toString())));
    assertChanged(run(copy, Map.of("src", "tree/", "dest", dir + "/flat")));
    assertThat(Files.readString(dir.resolve("flat/sub/b"))).isEqualTo("B");
  }

  @Test
  void copyStructuredContentAsJson() throws Exception {
    Path dest = dir.resolve("j.json");
    assertChanged(run(copy, Map.of("content", Map.of("a", 1), "dest", dest.toString())));
    assertThat(Files.readString(dest)).isEqualTo("{\"a\":1}");
  }

  @Test
  void copyOverASymlinkReplacesTheLinkWithAPrivateDefaultModeFile() throws Exception {
    Path target = dir.resolve("target");
    Files.writeString(target, "t");
    Path link = dir.resolve("link");
    Files.createSymbolicLink(link, target);
    assertChanged(run(copy, Map.of("content", "new", "dest", link.toString())));
    assertThat(Files.isSymbolicLink(link)).isFalse();
    assertThat(Files.readString(link)).isEqualTo("new");
    assertThat(mode(link)).isEqualTo("0644");
    assertThat(Files.readString(target)).isEqualTo("t");
  }

  @Test
  void copyRemoteSrcCopiesOnTheHostAndIsIdempotent() throws Exception {
    Path src = dir.resolve(HOSTILE);
    Files.writeString(src, "on the host");
    Path dest = dir.resolve("copied");
    Map<String, Object> args =
        Map.of("src", src.toString(), "dest", dest.toString(), "remote_src", true, "mode", "0600");
    TaskResult r = run(copy, args);
    assertChanged(r);
    assertThat(Files.readString(dest)).isEqualTo("on the host");
    assertThat(mode(dest)).isEqualTo("0600");
    assertThat(r.data()).containsEntry("src", src.toString());
    assertOk(run(copy, args));
    TaskResult missing =
        run(copy, Map.of("src", dir + "/none", "dest", dest.toString(), "remote_src", true));
    assertThat(missing.msg()).isEqualTo("copy: remote src " + dir + "/none does not exist");
    assertThat(dir.resolve("PWNED")).doesNotExist();
  }
}

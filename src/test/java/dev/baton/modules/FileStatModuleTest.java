package dev.baton.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileStatModuleTest extends ModuleTestBase {
  private final FileModule file = new FileModule();
  private final Stat stat = new Stat();

  @SuppressWarnings("unchecked")
  private Map<String, Object> statOf(Object path, Object... more) throws Exception {
    Map<String, Object> args = new java.util.HashMap<>(Map.of("path", path));
    for (int i = 0; i < more.length; i += 2) {
      args.put((String) more[i], more[i + 1]);
    }
    TaskResult r = run(stat, args);
    assertOk(r);
    return (Map<String, Object>) r.data().get("stat");
  }

  @Test
  void statReportsFileFacts() throws Exception {
    Path f = dir.resolve("data.db");
    Files.writeString(f, "hello");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    Map<String, Object> st = statOf(f.toString());
    assertThat(st)
        .containsEntry("exists", true)
        .containsEntry("path", f.toString())
        .containsEntry("isreg", true)
        .containsEntry("isdir", false)
        .containsEntry("islnk", false)
        .containsEntry("size", 5L)
        .containsEntry("mode", "0640")
        .containsEntry("mtime", Files.getLastModifiedTime(f).toInstant().getEpochSecond())
        .containsEntry("checksum", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
    assertThat(statOf(f.toString(), "checksum_algorithm", "sha256"))
        .containsEntry(
            "checksum", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assertThat(statOf(f.toString(), "get_checksum", false)).doesNotContainKey("checksum");
  }

  @Test
  void statOfMissingDirectoryAndLink() throws Exception {
    assertThat(statOf(dir + "/none")).isEqualTo(Map.of("exists", false));
    assertThat(statOf(dir.toString())).containsEntry("isdir", true).doesNotContainKey("checksum");
    Files.createSymbolicLink(dir.resolve("ln"), Path.of("target"));
    assertThat(statOf(dir + "/ln"))
        .containsEntry("islnk", true)
        .containsEntry("lnk_target", "target")
        .containsEntry("lnk_source", dir + "/target");
  }

  @Test
  void statOfHostileName() throws Exception {
    Files.writeString(dir.resolve(HOSTILE), "");
    assertThat(statOf(dir.resolve(HOSTILE).toString())).containsEntry("size", 0L);
    assertThat(dir.resolve("PWNED")).doesNotExist();
  }

  @Test
  void directoryIsCreatedWithModeThenOk() throws Exception {
    Path d = dir.resolve("a/b c");
    Map<String, Object> args = Map.of("path", d.toString(), "state", "directory", "mode", "0750");
    TaskResult r = run(file, args);
    assertChanged(r);
    assertThat(d).isDirectory();
    assertThat(mode(d)).isEqualTo("0750");
    assertThat(r.data()).containsEntry("mode", "0750").containsEntry("state", "directory");
    assertOk(run(file, args));
    TaskResult widened =
        run(file, Map.of("path", d.toString(), "state", "directory", "mode", "g+w"));
    assertChanged(widened);
    assertThat(mode(d)).isEqualTo("0770");
  }

  @Test
  void directoryRecurseSetsModeBelowOnlyWhenDifferent() throws Exception {
    Path d = dir.resolve("tree");
    Files.createDirectories(d.resolve("sub"));
    Files.writeString(d.resolve("sub/f"), "");
    Map<String, Object> args =
        Map.of("path", d.toString(), "state", "directory", "mode", "0700", "recurse", true);
    assertChanged(run(file, args));
    assertThat(mode(d.resolve("sub/f"))).isEqualTo("0700");
    assertThat(mode(d.resolve("sub"))).isEqualTo("0700");
    assertOk(run(file, args));
  }

  @Test
  void absentRemovesTreeAndIsIdempotent() throws Exception {
    Path d = dir.resolve("gone");
    Files.createDirectories(d.resolve("x"));
    Files.writeString(d.resolve("x/y"), "");
    assertChanged(run(file, Map.of("path", d.toString(), "state", "absent")));
    assertThat(d).doesNotExist();
    assertOk(run(file, Map.of("path", d.toString(), "state", "absent")));
  }

  @Test
  void touchCreatesThenAlwaysChanges() throws Exception {
    Path f = dir.resolve(HOSTILE);
    assertChanged(run(file, Map.of("path", f.toString(), "state", "touch", "mode", "0600")));
    assertThat(f).isRegularFile();
    assertThat(mode(f)).isEqualTo("0600");
    assertChanged(run(file, Map.of("path", f.toString(), "state", "touch")));
    assertThat(dir.resolve("PWNED")).doesNotExist();
  }

  @Test
  void fileStateFailsOnMissingAndChangesModeOnExisting() throws Exception {
    Path f = dir.resolve("f");
    TaskResult missing = run(file, Map.of("path", f.toString(), "state", "file"));
    assertFailed(missing);
    assertThat(missing.msg()).isEqualTo("file: " + f + " is absent, cannot continue");
    Files.writeString(f, "");
    assertChanged(run(file, Map.of("path", f.toString(), "mode", 0604)));
    assertThat(mode(f)).isEqualTo("0604");
    assertOk(run(file, Map.of("path", f.toString(), "mode", "0604")));
  }

  @Test
  void linkIsCreatedRepointedAndRefusesFileWithoutForce() throws Exception {
    Path l = dir.resolve("current");
    assertChanged(run(file, Map.of("path", l.toString(), "state", "link", "src", "v1")));
    assertThat(Files.readSymbolicLink(l)).isEqualTo(Path.of("v1"));
    assertOk(run(file, Map.of("path", l.toString(), "state", "link", "src", "v1")));
    assertChanged(run(file, Map.of("path", l.toString(), "state", "link", "src", "v2")));
    assertThat(Files.readSymbolicLink(l)).isEqualTo(Path.of("v2"));

    Path f = dir.resolve("plain");
    Files.writeString(f, "");
    TaskResult refused = run(file, Map.of("path", f.toString(), "state", "link", "src", "v1"));
    assertFailed(refused);
    assertThat(refused.msg()).contains("refusing to convert from file to symlink");
    assertChanged(
        run(file, Map.of("path", f.toString(), "state", "link", "src", "v1", "force", true)));
    assertThat(Files.isSymbolicLink(f)).isTrue();
  }

  @Test
  void checkModeChangesNothing() throws Exception {
    Path d = dir.resolve("new");
    assertChanged(check(file, Map.of("path", d.toString(), "state", "directory", "mode", "0700")));
    assertThat(d).doesNotExist();
    Files.writeString(dir.resolve("f"), "");
    assertChanged(check(file, Map.of("path", dir + "/f", "state", "absent")));
    assertThat(dir.resolve("f")).exists();
    assertChanged(check(file, Map.of("path", dir + "/f", "mode", "0000")));
    assertThat(mode(dir.resolve("f"))).isNotEqualTo("0000");
    assertChanged(check(file, Map.of("path", dir + "/l", "state", "link", "src", "f")));
    assertThat(dir.resolve("l")).doesNotExist();
  }

  @Test
  void badStateFailsClearly() throws Exception {
    TaskResult r = run(file, Map.of("path", dir.toString(), "state", "sideways"));
    assertFailed(r);
    assertThat(r.msg())
        .isEqualTo("file: state must be one of file, directory, absent, touch, link, not sideways");
  }
}

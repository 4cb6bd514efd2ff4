package dev.baton.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ssh.Become;
import dev.baton.testing.Needs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Modules under become (sudo to the unprivileged user {@code nobody}): files they create belong to
 * the become user, as in Ansible. The embedded host runs commands as this JVM's user, so this needs
 * the tests to run as root with sudo available.
 */
class BecomeModulesTest extends ModuleTestBase {
  private Path shared;
  private UserPrincipal nobody;

  @BeforeEach
  void becomeNobody() throws Exception {
    Needs.that("root".equals(System.getProperty("user.name")), "root", "become tests");
    Needs.command("sudo", "become tests");
    nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    // A directory the become user can reach and own (test temp dirs are private to root).
    shared =
        Files.createTempDirectory(
            Path.of("/tmp"),
            "baton-become-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setOwner(shared, nobody);
    ctx.become = new Become("nobody", null);
  }

  @AfterEach
  void removeShared() throws Exception {
    if (shared != null) {
      try (Stream<Path> walk = Files.walk(shared)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Test
  void commandRunsAsBecomeUser() throws Exception {
    TaskResult r = run(new Command(), Map.of("argv", List.of("id", "-un")));
    assertThat(r.data()).containsEntry("stdout", "nobody");
  }

  @Test
  void copyUnderBecomeLeavesAFileOwnedByTheBecomeUser() throws Exception {
    Path dest = shared.resolve("app.conf");
    Map<String, Object> args = Map.of("content", "x=1\n", "dest", dest.toString(), "mode", "0640");
    assertChanged(run(new Copy(), args));
    assertThat(Files.readString(dest)).isEqualTo("x=1\n");
    assertThat(Files.getOwner(dest)).isEqualTo(nobody);
    assertThat(mode(dest)).isEqualTo("0640");
    assertOk(run(new Copy(), args));
    try (Stream<Path> s = Files.list(shared)) {
      assertThat(s).containsExactly(dest);
    }
  }

  @Test
  void copyIntoADirectoryTheBecomeUserCannotWriteFailsAndLeavesNothing() throws Exception {
    Path rootOnly = shared.resolve("root-only");
    Files.createDirectories(rootOnly);
    Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    TaskResult r = run(new Copy(), Map.of("content", "x", "dest", rootOnly + "/f"));
    assertFailed(r);
    assertThat(r.msg())
        .startsWith("copy: cannot copy the staged file into place as the become user")
        .contains("Permission denied");
    try (Stream<Path> s = Files.list(rootOnly)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void fileUnderBecomeCreatesDirectoryOwnedByTheBecomeUser() throws Exception {
    Path d = shared.resolve("data");
    assertChanged(
        run(new FileModule(), Map.of("path", d.toString(), "state", "directory", "mode", "0700")));
    assertThat(Files.getOwner(d)).isEqualTo(nobody);
    assertThat(mode(d)).isEqualTo("0700");
  }

  @Test
  void copyAndFileSetOwnerAndGroupOnlyWhenDifferent() throws Exception {
    ctx.become = null;
    Path dest = shared.resolve("owned");
    Map<String, Object> args =
        Map.of("content", "x", "dest", dest.toString(), "owner", "nobody", "group", "nogroup");
    assertChanged(run(new Copy(), args));
    assertThat(Files.getOwner(dest)).isEqualTo(nobody);
    assertOk(run(new Copy(), args));
    TaskResult back = run(new FileModule(), Map.of("path", dest.toString(), "owner", "0"));
    assertChanged(back);
    assertThat(Files.getOwner(dest).getName()).isEqualTo("root");
    assertOk(run(new FileModule(), Map.of("path", dest.toString(), "owner", "root")));
  }
}

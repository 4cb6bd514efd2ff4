package dev.baton.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.SshConnector;
import dev.baton.testing.TestHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One embedded SSH host per test class, reached over real SSH through the product's {@link
 * SshConnector}; each test gets a fresh directory on it ({@link #dir}) and a fresh context. The
 * host shares this machine's file system, so tests check results directly on disk.
 */
abstract class ModuleTestBase {
  @RegisterExtension static final TestHosts HOSTS = TestHosts.withHosts(1);
  static SshConnector ssh;
  static Remote remote;

  Path dir;
  Path local;
  TestContext ctx;

  @BeforeAll
  static void connect() throws RemoteException {
    ssh = new SshConnector(HOSTS.settings());
    remote = ssh.connect(HOSTS.spec(0));
  }

  @AfterAll
  static void disconnect() {
    if (remote != null) {
      remote.close();
    }
    if (ssh != null) {
      ssh.close();
    }
  }

  @BeforeEach
  void freshDir() throws IOException {
    dir = Files.createTempDirectory(HOSTS.home(0), "t-");
    local = Files.createTempDirectory(HOSTS.dir(), "playbook-");
    ctx = new TestContext(remote, local);
  }

  TaskResult run(Module m, Map<String, Object> args) throws Exception {
    return m.run(ctx, args);
  }

  TaskResult check(Module m, Map<String, Object> args) throws Exception {
    ctx.checkMode(true);
    try {
      return m.run(ctx, args);
    } finally {
      ctx.checkMode(false);
    }
  }

  static void assertChanged(TaskResult r) {
    assertThat(r).as(r.msg() + " " + r.data()).isInstanceOf(TaskResult.Changed.class);
  }

  static void assertOk(TaskResult r) {
    assertThat(r).as(r.msg() + " " + r.data()).isInstanceOf(TaskResult.Ok.class);
  }

  static void assertFailed(TaskResult r) {
    assertThat(r).as(r.msg() + " " + r.data()).isInstanceOf(TaskResult.Failed.class);
  }

  static String mode(Path p) throws IOException {
    int bits = 0;
    for (var perm : Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      bits |= 1 << (8 - perm.ordinal());
    }
    return String.format("%04o", bits);
  }

  /** A value every shell would mangle unless it is quoted. */
  static final String HOSTILE = "a b'c\"d;e$(touch PWNED)`touch PWNED2`$HOME*";
}

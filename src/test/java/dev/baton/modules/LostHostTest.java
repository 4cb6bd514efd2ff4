package dev.baton.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.SshConnector;
import dev.baton.testing.TestHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A host that goes away is reported by every module as a RemoteException, never as a result. */
class LostHostTest {
  @RegisterExtension final TestHosts hosts = TestHosts.withHosts(1);

  @Test
  void everyRemoteModuleThrowsWhenTheHostIsGone() throws Exception {
    Path local = Files.createTempDirectory(hosts.dir(), "playbook-");
    Files.writeString(local.resolve("f"), "x");
    Map<Module, Map<String, Object>> calls =
        Map.of(
            new Command(), Map.of("argv", List.of("true")),
            new Shell(), Map.of("cmd", "true"),
            new Stat(), Map.of("path", "/etc/hostname"),
            new FileModule(), Map.of("path", "/tmp/x", "state", "absent"),
            new Copy(), Map.of("src", "f", "dest", "/tmp/f"),
            new Fetch(), Map.of("src", "/etc/hostname", "dest", "out"),
            new WaitFor(), Map.of("port", 1, "timeout", 5));
    try (SshConnector ssh = new SshConnector(hosts.settings());
        Remote remote = ssh.connect(hosts.spec(0))) {
      TestContext ctx = new TestContext(remote, local);
      assertThat(remote.exec("true", dev.baton.ssh.ExecOptions.DEFAULT).ok()).isTrue();
      hosts.host(0).close();
      for (var call : calls.entrySet()) {
        Throwable t = catchThrowable(() -> call.getKey().run(ctx, call.getValue()));
        assertThat(t).as(call.getKey().name()).isInstanceOf(RemoteException.class);
        assertThat(((RemoteException) t).unreachable()).as(call.getKey().name()).isTrue();
      }
    }
  }
}

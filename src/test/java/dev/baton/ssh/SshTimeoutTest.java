package dev.baton.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.sshd.common.SshException;
import org.junit.jupiter.api.Test;

/**
 * A black-holed link shows up as MINA's "Failed to get operation result within specified timeout"
 * while the session still looks open; baton must read that as a lost link (exit 3, resumable), not
 * as a failed task quoting the library.
 */
class SshTimeoutTest {
  @Test
  void minasOperationTimeoutIsALostLink() {
    SshException mina =
        new SshException("Failed to get operation result within specified timeout: 30000 msec");
    assertThat(SshRemote.timedOut(mina)).isTrue();
    assertThat(SshRemote.timedOut(new IOException("write failed", mina))).isTrue();
    assertThat(SshRemote.timedOut(new java.net.SocketTimeoutException("Read timed out"))).isTrue();
  }

  @Test
  void otherFailuresAreNot() {
    assertThat(SshRemote.timedOut(new IOException("Permission denied"))).isFalse();
    assertThat(SshRemote.timedOut(new SshException("No more authentication methods available")))
        .isFalse();
  }
}

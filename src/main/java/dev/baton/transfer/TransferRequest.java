package dev.baton.transfer;

import dev.baton.ssh.Remote;
import java.util.List;

/**
 * One file to move from one host to another.
 *
 * @param source connection of the host that has the file
 * @param sourcePath absolute path on the source host
 * @param destination connection of the host that receives it
 * @param destPath absolute path on the destination host; bytes go to {@code destPath + ".part"}
 *     first and are renamed into place only after verification
 * @param method relay, direct or shared
 * @param expectedSha256 the digest the file must have (lower-case hex), or null
 * @param peer how the source host reaches the destination host, for {@link TransferMethod#DIRECT}
 *     only (null otherwise)
 * @param streams how many streams a relay moves ranges of the file over at once (1: one stream, in
 *     order)
 */
public record TransferRequest(
    Remote source,
    String sourcePath,
    Remote destination,
    String destPath,
    TransferMethod method,
    String expectedSha256,
    DirectPeer peer,
    int streams) {

  /** One stream. */
  public TransferRequest(
      Remote source,
      String sourcePath,
      Remote destination,
      String destPath,
      TransferMethod method,
      String expectedSha256,
      DirectPeer peer) {
    this(source, sourcePath, destination, destPath, method, expectedSha256, peer, 1);
  }

  /** The same transfer over {@code n} streams. */
  public TransferRequest withStreams(int n) {
    return new TransferRequest(
        source, sourcePath, destination, destPath, method, expectedSha256, peer, n);
  }

  /**
   * The destination as the source host's own ssh client must address it.
   *
   * @param address host name or IP the source host connects to
   * @param user login user on the destination, or null for the source's default
   * @param port ssh port, or 0 for the default
   * @param sshOptions extra options for the source's ssh client ({@code -i key}, {@code -F config},
   *     {@code -o Name=value}), each passed as one quoted word
   */
  public record DirectPeer(String address, String user, int port, List<String> sshOptions) {
    public DirectPeer {
      sshOptions = sshOptions == null ? List.of() : List.copyOf(sshOptions);
    }
  }

  public TransferRequest {
    if (streams < 1) {
      throw new IllegalArgumentException("streams must be 1 or more, not " + streams);
    }
    if (expectedSha256 != null) {
      expectedSha256 = expectedSha256.trim().toLowerCase(java.util.Locale.ROOT);
      if (!expectedSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "expected_sha256 must be 64 hex digits, not '" + expectedSha256 + "'");
      }
    }
  }
}

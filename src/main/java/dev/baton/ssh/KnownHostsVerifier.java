package dev.baton.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Strict known_hosts checking, as OpenSSH's {@code StrictHostKeyChecking=yes} (or {@code
 * accept-new} when asked): a known key passes, an unknown key is refused unless accepting new keys
 * was asked for, and a changed key is always refused. MINA's default verifier accepts any key.
 *
 * <p>The host looked up is the one baton meant to reach (its address and port), also when the TCP
 * connection goes through a ProxyJump tunnel.
 */
final class KnownHostsVerifier implements ServerKeyVerifier {
  private final Path file;
  private final boolean acceptNew;
  private final Object fileLock = new Object();

  KnownHostsVerifier(Path file, boolean acceptNew) {
    this.file = file;
    this.acceptNew = acceptNew;
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
    HostKeyCheck check = session.getConnectionContext().getAttribute(HostKeyCheck.KEY);
    if (check == null) {
      // Every baton connection carries a check; anything else is not ours to trust.
      return false;
    }
    try {
      return verify(check, key);
    } catch (IOException | RuntimeException e) {
      check.refuse(
          RemoteException.Kind.OTHER,
          check.inventoryName + ": cannot read known hosts file " + file + ": " + e.getMessage());
      return false;
    }
  }

  private boolean verify(HostKeyCheck check, PublicKey key) throws IOException {
    String fingerprint = KeyUtils.getFingerPrint(key);
    synchronized (fileLock) {
      List<KnownHostEntry> entries =
          Files.exists(file) ? KnownHostEntry.readKnownHostEntries(file) : List.of();
      PublicKey known = null;
      for (KnownHostEntry entry : entries) {
        if (!entry.isHostMatch(check.host, check.port)) {
          continue;
        }
        PublicKey entryKey = keyOf(entry);
        if (entryKey == null) {
          continue;
        }
        String marker = entry.getMarker();
        if ("revoked".equals(marker)) {
          if (KeyUtils.compareKeys(entryKey, key)) {
            check.refuse(
                RemoteException.Kind.HOST_KEY_CHANGED,
                check.inventoryName
                    + ": host key "
                    + fingerprint
                    + " of "
                    + check.knownHostsName()
                    + " is marked @revoked in "
                    + file);
            return false;
          }
          continue;
        }
        if (marker != null && !marker.isEmpty()) {
          continue; // @cert-authority lines: host certificates are not used by baton
        }
        if (KeyUtils.compareKeys(entryKey, key)) {
          check.accept();
          return true;
        }
        if (KeyUtils.getKeyType(entryKey).equals(KeyUtils.getKeyType(key))) {
          known = entryKey;
        } else if (known == null) {
          known = entryKey;
        }
      }
      if (known != null) {
        check.refuse(
            RemoteException.Kind.HOST_KEY_CHANGED,
            check.inventoryName
                + ": HOST KEY CHANGED for "
                + check.knownHostsName()
                + ": it offers "
                + fingerprint
                + " but "
                + file
                + " has "
                + KeyUtils.getFingerPrint(known)
                + " (possible man in the middle; if the host was rebuilt, remove its old line"
                + " with ssh-keygen -R)");
        return false;
      }
      if (!acceptNew) {
        check.refuse(
            RemoteException.Kind.HOST_KEY_UNKNOWN,
            check.inventoryName
                + ": host key of "
                + check.knownHostsName()
                + " is not in "
                + file
                + " ("
                + KeyUtils.getKeyType(key)
                + " "
                + fingerprint
                + "); check it and accept it with --accept-new-host-keys");
        return false;
      }
      append(check.knownHostsName() + " " + PublicKeyEntry.toString(key) + "\n");
      check.accept();
      return true;
    }
  }

  private static PublicKey keyOf(KnownHostEntry entry) {
    try {
      return entry.getKeyEntry() == null
          ? null
          : entry.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
    } catch (IOException | GeneralSecurityException e) {
      return null; // a key type this JVM cannot read cannot match either
    }
  }

  private void append(String line) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
    if (Files.exists(file) && Files.size(file) > 0) {
      byte[] all = Files.readAllBytes(file);
      if (all[all.length - 1] != '\n') {
        bytes = ("\n" + line).getBytes(StandardCharsets.US_ASCII);
      }
    }
    Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}

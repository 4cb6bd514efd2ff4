package dev.baton.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Reads private key files (OpenSSH, PEM; ed25519, RSA, ECDSA) before any connection is made, so
 * that a missing or encrypted key is one clear line naming the file rather than a silent skip.
 */
final class KeyFiles {
  private KeyFiles() {}

  /** Why a key file could not be used; the message names the file. */
  static final class KeyFileException extends IOException {
    private static final long serialVersionUID = 1L;

    KeyFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A key file is encrypted and no passphrase was given. */
  static final class EncryptedKeyException extends IOException {
    private static final long serialVersionUID = 1L;

    EncryptedKeyException(String message) {
      super(message);
    }
  }

  /** Loads every key of one file; {@code passphrase} may be null for unencrypted files. */
  static List<KeyPair> load(Path file, String passphrase) throws IOException {
    FilePasswordProvider passwords =
        new FilePasswordProvider() {
          @Override
          public String getPassword(SessionContext session, NamedResource resource, int retry)
              throws IOException {
            if (passphrase == null) {
              throw new EncryptedKeyException(
                  "key file "
                      + file
                      + " is encrypted: give its passphrase (ansible_ssh_private_key_passphrase)"
                      + " or add it to ssh-agent");
            }
            return passphrase;
          }
        };
    try (InputStream in = Files.newInputStream(file)) {
      Iterable<KeyPair> pairs =
          SecurityUtils.loadKeyPairIdentities(
              null, NamedResource.ofName(file.toString()), in, passwords);
      List<KeyPair> keys = new ArrayList<>();
      if (pairs != null) {
        pairs.forEach(keys::add);
      }
      if (keys.isEmpty()) {
        throw new KeyFileException("key file " + file + " holds no private key", null);
      }
      return keys;
    } catch (EncryptedKeyException e) {
      throw e;
    } catch (NoSuchFileException e) {
      throw new KeyFileException("key file " + file + " does not exist", e);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new KeyFileException(
          "cannot read key file "
              + file
              + (passphrase != null ? " (wrong passphrase?)" : "")
              + ": "
              + why,
          e);
    }
  }
}

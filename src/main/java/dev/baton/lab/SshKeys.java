package dev.baton.lab;

import dev.baton.ssh.CryptoProviders;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Iterator;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Key files in OpenSSH's own format, so that {@code ssh}, {@code ssh-add} and baton read the same
 * files: used for the lab hosts' host keys and for generated client keys.
 */
public final class SshKeys {
  static {
    CryptoProviders.configure(); // before MINA SSHD registers its providers
  }

  private SshKeys() {}

  /**
   * Writes a new ed25519 key pair: the private key to {@code privateKey} (mode 0600, unencrypted)
   * and the public key to {@code privateKey + ".pub"}.
   */
  public static KeyPair generateEd25519(Path privateKey, String comment) throws IOException {
    KeyPair pair;
    try {
      pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot generate an ed25519 key: " + e.getMessage(), e);
    }
    Files.createDirectories(privateKey.toAbsolutePath().getParent());
    Files.deleteIfExists(privateKey);
    Files.createFile(
        privateKey,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(privateKey)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, comment, null, out);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot write key " + privateKey + ": " + e.getMessage(), e);
    }
    Files.writeString(
        publicKeyFile(privateKey),
        publicKeyLine(pair.getPublic()) + " " + comment + "\n",
        StandardCharsets.US_ASCII);
    return pair;
  }

  /** Reads an unencrypted private key file (OpenSSH or PEM format). */
  public static KeyPair readKeyPair(Path privateKey) throws IOException {
    try (InputStream in = Files.newInputStream(privateKey)) {
      Iterable<KeyPair> pairs =
          SecurityUtils.loadKeyPairIdentities(
              null, NamedResource.ofName(privateKey.toString()), in, null);
      Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
      if (it == null || !it.hasNext()) {
        throw new IOException("no key in " + privateKey);
      }
      return it.next();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read key " + privateKey + ": " + e.getMessage(), e);
    }
  }

  /** Reads the first key of a {@code .pub} or authorized_keys style file. */
  public static PublicKey readPublicKey(Path publicKeyFile) throws IOException {
    for (String line : Files.readAllLines(publicKeyFile, StandardCharsets.US_ASCII)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      try {
        return PublicKeyEntry.parsePublicKeyEntry(trimmed).resolvePublicKey(null, null, null);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new IOException("cannot read public key " + publicKeyFile + ": " + e.getMessage(), e);
      }
    }
    throw new IOException("no public key in " + publicKeyFile);
  }

  /** {@code ssh-ed25519 AAAA...}: the key as OpenSSH writes it, without a comment. */
  public static String publicKeyLine(PublicKey key) {
    return PublicKeyEntry.toString(key);
  }

  /** The SHA256 fingerprint as {@code ssh-keygen -l} prints it. */
  public static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(key);
  }

  static Path publicKeyFile(Path privateKey) {
    return privateKey.resolveSibling(privateKey.getFileName() + ".pub");
  }
}

package dev.baton.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Ansible Vault's format, read as {@code ansible-vault} writes it (formats 1.1 and 1.2, cipher
 * AES256): a header {@code $ANSIBLE_VAULT;1.1;AES256} (1.2 adds {@code ;<vault id>}), then the hex
 * of three hex lines: salt, HMAC-SHA256 of the ciphertext, ciphertext. Keys come from
 * PBKDF2-HMAC-SHA256 of the password over the salt, 10000 rounds, 80 bytes: the AES-256-CTR key,
 * the HMAC key, the counter's start. The HMAC is checked before anything is decrypted.
 *
 * <p>The secrets are the process's, given once by the command line before any file is read ({@link
 * #use}); every value decrypted is remembered so reports can mask it wherever it appears ({@link
 * #revealed}).
 */
public final class Vault {
  /** A vault password and the vault id it is for ({@code default} when none was named). */
  public record Secret(String id, byte[] password) {}

  /** A value or file that cannot be decrypted; the message says why, never the secret. */
  public static final class VaultException extends Exception {
    private static final long serialVersionUID = 1L;

    public VaultException(String message) {
      super(message);
    }
  }

  private static final String HEADER = "$ANSIBLE_VAULT;";
  private static final int ROUNDS = 10_000;
  private static volatile List<Secret> secrets = List.of();
  private static final Set<String> REVEALED = ConcurrentHashMap.newKeySet();

  /** Plaintexts of files vaulted whole: their readers reveal each value ({@link #reveal}). */
  private static final Set<String> FILES = ConcurrentHashMap.newKeySet();

  private Vault() {}

  /** The secrets vaulted values are decrypted with, for the rest of the process. */
  public static void use(List<Secret> given) {
    secrets = List.copyOf(given);
  }

  /** Every plaintext decrypted so far, so that reports mask it. */
  public static Set<String> revealed() {
    return Set.copyOf(REVEALED);
  }

  /** Marks a value read from a vaulted file as secret, so reports mask it. */
  public static void reveal(String value) {
    if (value != null && value.length() >= 3) {
      REVEALED.add(value);
    }
  }

  /** The plaintext of a file vaulted whole; its readers reveal each value ({@link #fromFile}). */
  public static String decryptFile(String envelope) throws VaultException {
    String text = decrypt(envelope);
    REVEALED.remove(text);
    FILES.add(text);
    return text;
  }

  /** True when {@code text} is the plaintext of a file vaulted whole. */
  public static boolean fromFile(String text) {
    return FILES.contains(text);
  }

  /**
   * True when {@code text} is a vault envelope (a whole vaulted file or a {@code !vault} value).
   */
  public static boolean isVaulted(String text) {
    return text.stripLeading().startsWith(HEADER);
  }

  /** The plaintext of an envelope, with the secrets given to {@link #use}. */
  public static String decrypt(String envelope) throws VaultException {
    return decrypt(envelope, secrets);
  }

  /**
   * The plaintext of an envelope. Secrets whose id is the envelope's (format 1.2) are tried first,
   * then the others, as Ansible does by default.
   */
  public static String decrypt(String envelope, List<Secret> with) throws VaultException {
    String[] lines = envelope.strip().split("\\R");
    String[] header = lines[0].strip().split(";");
    if (header.length < 3 || !header[0].equals("$ANSIBLE_VAULT")) {
      throw new VaultException("not a vault envelope (no $ANSIBLE_VAULT header)");
    }
    if (!header[1].equals("1.1") && !header[1].equals("1.2")) {
      throw new VaultException("vault format " + header[1] + " is not supported (1.1, 1.2 are)");
    }
    if (!header[2].strip().equals("AES256")) {
      throw new VaultException("vault cipher " + header[2] + " is not supported (AES256 is)");
    }
    String id = header.length > 3 ? header[3].strip() : null;
    if (with.isEmpty()) {
      throw new VaultException(
          "vaulted value found but no vault secret given"
              + " (--vault-password-file, --vault-id or --ask-vault-pass)");
    }
    byte[][] parts = parts(lines);
    List<Secret> order = new ArrayList<>();
    with.stream().filter(s -> s.id().equals(id)).forEach(order::add);
    with.stream().filter(s -> !s.id().equals(id)).forEach(order::add);
    for (Secret s : order) {
      byte[] plain = open(parts, s.password());
      if (plain != null) {
        String text = new String(plain, StandardCharsets.UTF_8);
        if (!text.isEmpty()) {
          REVEALED.add(text);
        }
        return text;
      }
    }
    throw new VaultException(
        "no vault secret given decrypts it"
            + (id == null ? "" : " (vault id '" + id + "')")
            + "; tried "
            + order.size()
            + " secret"
            + (order.size() == 1 ? "" : "s"));
  }

  /** Salt, HMAC and ciphertext from the hex body. */
  private static byte[][] parts(String[] lines) throws VaultException {
    StringBuilder hex = new StringBuilder();
    for (int i = 1; i < lines.length; i++) {
      hex.append(lines[i].strip());
    }
    try {
      String inner = new String(HexFormat.of().parseHex(hex), StandardCharsets.US_ASCII);
      String[] p = inner.split("\n");
      if (p.length != 3) {
        throw new VaultException("vault body holds " + p.length + " parts, not salt, hmac, data");
      }
      return new byte[][] {
        HexFormat.of().parseHex(p[0].strip()),
        HexFormat.of().parseHex(p[1].strip()),
        HexFormat.of().parseHex(p[2].strip())
      };
    } catch (IllegalArgumentException e) {
      throw new VaultException("vault body is not hex: " + e.getMessage());
    }
  }

  /** The plaintext, or null when this password's HMAC does not match. */
  private static byte[] open(byte[][] parts, byte[] password) throws VaultException {
    try {
      byte[] derived = pbkdf2(password, parts[0], 80);
      byte[] cipherKey = java.util.Arrays.copyOfRange(derived, 0, 32);
      byte[] hmacKey = java.util.Arrays.copyOfRange(derived, 32, 64);
      byte[] iv = java.util.Arrays.copyOfRange(derived, 64, 80);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
      if (!MessageDigest.isEqual(mac.doFinal(parts[2]), parts[1])) {
        return null;
      }
      Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
      aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cipherKey, "AES"), new IvParameterSpec(iv));
      return unpad(aes.doFinal(parts[2]));
    } catch (GeneralSecurityException e) {
      throw new VaultException("vault decryption failed: " + e.getMessage());
    }
  }

  /** PBKDF2 with HMAC-SHA256 over the password's bytes as given (no charset conversion). */
  private static byte[] pbkdf2(byte[] password, byte[] salt, int length)
      throws GeneralSecurityException {
    if (password.length == 0) {
      // ansible-vault refuses an empty password too.
      throw new GeneralSecurityException("the vault password is empty");
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(password, "HmacSHA256"));
    byte[] out = new byte[length];
    int blocks = (length + 31) / 32;
    for (int b = 1; b <= blocks; b++) {
      mac.update(salt);
      mac.update(new byte[] {(byte) (b >>> 24), (byte) (b >>> 16), (byte) (b >>> 8), (byte) b});
      byte[] u = mac.doFinal();
      byte[] t = u.clone();
      for (int i = 1; i < ROUNDS; i++) {
        u = mac.doFinal(u);
        for (int j = 0; j < t.length; j++) {
          t[j] ^= u[j];
        }
      }
      System.arraycopy(t, 0, out, (b - 1) * 32, Math.min(32, length - (b - 1) * 32));
    }
    return out;
  }

  private static byte[] unpad(byte[] padded) throws VaultException {
    int n = padded.length == 0 ? 0 : padded[padded.length - 1] & 0xff;
    if (n < 1 || n > 16 || n > padded.length) {
      throw new VaultException("vault plaintext has bad padding");
    }
    return java.util.Arrays.copyOf(padded, padded.length - n);
  }
}

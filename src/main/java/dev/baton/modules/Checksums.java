package dev.baton.modules;

import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File digests as Ansible reports them (lower-case hex; sha1 by default). A remote file is digested
 * on the host ({@code sha1sum}, else {@code openssl dgst}) so that a large backup never crosses the
 * network just to be compared; only a host with neither tool has its file streamed over SFTP.
 */
final class Checksums {
  private Checksums() {}

  /** The algorithms Ansible's stat accepts, with their coreutils tool and Java name. */
  enum Algorithm {
    MD5("md5sum", "MD5", 32),
    SHA1("sha1sum", "SHA-1", 40),
    SHA224("sha224sum", "SHA-224", 56),
    SHA256("sha256sum", "SHA-256", 64),
    SHA384("sha384sum", "SHA-384", 96),
    SHA512("sha512sum", "SHA-512", 128);

    final String tool;
    final String javaName;
    final int hexLength;

    Algorithm(String tool, String javaName, int hexLength) {
      this.tool = tool;
      this.javaName = javaName;
      this.hexLength = hexLength;
    }

    static Algorithm named(String name) throws TaskFailure {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TaskFailure(
            "unsupported checksum_algorithm "
                + name
                + " (use md5, sha1, sha224, sha256, sha384 or sha512)");
      }
    }

    MessageDigest digest() {
      try {
        return MessageDigest.getInstance(javaName);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(javaName + " missing from this JVM", e);
      }
    }
  }

  /** The digest of a regular file on the host; fails when it cannot be read. */
  static String remote(ModuleContext ctx, String path, Algorithm alg)
      throws RemoteException, TaskFailure {
    String q = ShellQuote.quote(path);
    String opensslName = alg.name().toLowerCase(Locale.ROOT);
    var r =
        ctx.exec(
            "if command -v "
                + alg.tool
                + " >/dev/null 2>&1; then "
                + alg.tool
                + " < "
                + q
                + "; elif command -v openssl >/dev/null 2>&1; then openssl dgst -"
                + opensslName
                + " < "
                + q
                + "; else exit 127; fi");
    if (r.ok()) {
      Matcher m = Pattern.compile("\\b[0-9a-f]{" + alg.hexLength + "}\\b").matcher(r.stdout());
      if (m.find()) {
        return m.group();
      }
      throw new TaskFailure(
          "cannot read the " + opensslName + " of " + path + " from: " + r.stdout().trim());
    }
    if (r.exitCode() != 127) {
      throw new TaskFailure("cannot checksum " + path + ": " + r.stderr().trim());
    }
    try (InputStream in = ctx.remote().files().openRead(path, 0)) {
      return digest(in, alg);
    } catch (IOException e) {
      throw PathInfo.unwrap(e, "cannot checksum " + path);
    }
  }

  static String local(Path file, Algorithm alg) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return digest(in, alg);
    }
  }

  static String digest(InputStream in, Algorithm alg) throws IOException {
    MessageDigest md = alg.digest();
    byte[] buf = new byte[256 * 1024];
    for (int n; (n = in.read(buf)) > 0; ) {
      md.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static String sha1(byte[] content) {
    return HexFormat.of().formatHex(Algorithm.SHA1.digest().digest(content));
  }
}

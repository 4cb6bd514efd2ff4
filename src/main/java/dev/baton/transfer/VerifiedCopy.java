package dev.baton.transfer;

import dev.baton.ssh.ShellQuote;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a transfer leaves beside the file it verified, {@code <dest>.verified}: the digest and size
 * the destination host computed, so that the next step (the restore) can rely on that verification
 * instead of reading a backup of hundreds of GB once more. The record only vouches for the file
 * while the file has that size and has not been modified since the record was written ({@code find
 * FILE -newer RECORD}, at the file system's timestamp resolution); otherwise the reader digests the
 * file again.
 *
 * @param sha256 lower-case hex, as the destination host computed it
 * @param size bytes
 * @param source {@code host:path} it was copied from
 * @param verifiedAt when
 */
public record VerifiedCopy(String sha256, long size, String source, String verifiedAt) {
  /** Appended to the file's path. */
  public static final String SUFFIX = ".verified";

  /** Exit code of {@link #checkCommand} when there is no record or the file changed after it. */
  public static final int STALE = 3;

  static VerifiedCopy now(String sha256, long size, String source) {
    return new VerifiedCopy(sha256, size, source, Instant.now().toString());
  }

  String render() {
    return "sha256="
        + sha256
        + "\nsize="
        + size
        + "\nsource="
        + source.replace('\n', ' ')
        + "\nverified="
        + verifiedAt
        + "\n";
  }

  /**
   * A shell line that prints the file's size and then its record, or exits {@link #STALE} when
   * either is missing or the file was modified after the record was written. POSIX tools only
   * ({@code test}, {@code find -newer}, {@code wc}, {@code cat}).
   */
  public static String checkCommand(String file) {
    String f = ShellQuote.quote(file);
    String r = ShellQuote.quote(file + SUFFIX);
    return "test -f "
        + f
        + " && test -f "
        + r
        + " || exit "
        + STALE
        + "; test -z \"$(find "
        + f
        + " -newer "
        + r
        + " 2>/dev/null)\" || exit "
        + STALE
        + "; wc -c < "
        + f
        + " && cat -- "
        + r;
  }

  /**
   * The digest a record vouches for: {@code expectedSha256}, when the record (its key=value lines,
   * as {@link #render} writes them, parsed) names it and the file's current size; else empty.
   */
  public static Optional<String> vouchedDigest(
      Map<String, String> record, String currentSize, String expectedSha256) {
    String want = expectedSha256.strip().toLowerCase(java.util.Locale.ROOT);
    boolean sizeMatches = currentSize.strip().equals(record.get("size"));
    return sizeMatches && want.equals(record.get("sha256")) ? Optional.of(want) : Optional.empty();
  }
}

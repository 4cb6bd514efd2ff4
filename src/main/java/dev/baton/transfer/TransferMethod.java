package dev.baton.transfer;

import java.util.Locale;

/** How the bytes travel from the source host to the destination host. */
public enum TransferMethod {
  /** Through baton: SFTP read on the source, SFTP write on the destination. No trust needed. */
  RELAY,
  /** The source host pushes to the destination itself over its own ssh client. */
  DIRECT,
  /** Both hosts see the same file through a shared mount; nothing is copied, only verified. */
  SHARED;

  /** Parses the {@code method} argument; null means the default, relay. */
  public static TransferMethod parse(String value) {
    if (value == null || value.isBlank()) {
      return RELAY;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "method must be relay, direct or shared, not '" + value + "'", e);
    }
  }

  public String argName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

package dev.baton.sim;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Faults injected on demand, read from the environment or from KEY=VALUE lines in {@code
 * <db>.faults} beside the database or {@code oesim.faults} in its directory (for every db there),
 * so they can be set on a remote host without touching its environment. The directory's file
 * outlives a restore that moves the old {@code <db>.*} files aside first, as baton's does. The
 * environment wins, then {@code <db>.faults}.
 */
final class Faults {
  /** The switches for every database of a directory. */
  static final String DIRECTORY_FILE = "oesim.faults";

  static final String RESTORE_DISK_FULL_AFTER = "BATON_SIM_FAULT_RESTORE_DISK_FULL_AFTER";
  static final String BACKUP_ABORT_AFTER = "BATON_SIM_FAULT_BACKUP_ABORT_AFTER";
  static final String BACKUP_RATE = "BATON_SIM_FAULT_BACKUP_RATE";
  static final String RESTORE_RATE = "BATON_SIM_FAULT_RESTORE_RATE";

  private final Properties values = new Properties();

  private Faults() {}

  static Faults of(Console c, DbPath db) throws IOException {
    Faults f = new Faults();
    for (Path file : List.of(db.dir().resolve(DIRECTORY_FILE), db.faults())) {
      if (Files.isRegularFile(file)) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          f.values.load(r);
        }
      }
    }
    for (Map.Entry<String, String> e : c.env().entrySet()) {
      if (e.getKey().startsWith("BATON_SIM_FAULT_")) {
        f.values.setProperty(e.getKey(), e.getValue());
      }
    }
    return f;
  }

  /** A size or rate: digits with an optional K, M or G suffix (powers of 1024). */
  OptionalLong bytes(String key) {
    String v = values.getProperty(key);
    if (v == null || v.isBlank()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(parseSize(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("fault switch " + key + "=" + v + " is not a byte count");
    }
  }

  static long parseSize(String text) {
    String v = text.strip().toUpperCase(Locale.ROOT);
    if (v.endsWith("/S")) {
      v = v.substring(0, v.length() - 2);
    }
    if (v.endsWith("IB")) {
      v = v.substring(0, v.length() - 2);
    } else if (v.endsWith("B")) {
      v = v.substring(0, v.length() - 1);
    }
    long mult = 1;
    if (!v.isEmpty()) {
      char last = v.charAt(v.length() - 1);
      mult =
          switch (last) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            case 'T' -> 1L << 40;
            default -> 1;
          };
      if (mult > 1) {
        v = v.substring(0, v.length() - 1);
      }
    }
    long n = Long.parseLong(v.strip());
    if (n < 0) {
      throw new NumberFormatException("negative");
    }
    return n * mult;
  }
}

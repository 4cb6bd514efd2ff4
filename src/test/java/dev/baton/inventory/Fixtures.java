package dev.baton.inventory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small helpers to write inventories into a test's temporary directory. */
final class Fixtures {
  private Fixtures() {}

  static Path write(Path dir, String relative, String text) {
    try {
      Path p = dir.resolve(relative);
      Files.createDirectories(p.getParent());
      Files.writeString(p, text);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Inventory load(Path... sources) throws InventoryException {
    return Inventory.load(List.of(sources));
  }

  /** The path of a fixture under src/test/resources/inventory. */
  static Path resource(String name) {
    return Path.of("src/test/resources/inventory").resolve(name);
  }
}

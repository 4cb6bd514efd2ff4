package dev.baton.sim;

import java.nio.file.Path;

/**
 * One line of a structure description: an extent of a storage area. {@code areaName} is null for
 * before-image, after-image and transaction-log extents, which belong to no named area.
 */
record Extent(
    char type,
    String areaName,
    int area,
    int recsPerBlock,
    int blocksPerCluster,
    Path path,
    boolean fixed,
    long sizeKb) {

  static final int SCHEMA_AREA = 6;
  static final int DATA_AREA = 7;

  /** The extent as a line of a {@code .st} file. */
  String stLine() {
    StringBuilder b = new StringBuilder().append(type);
    if (areaName != null) {
      b.append(" \"")
          .append(areaName)
          .append("\":")
          .append(area)
          .append(',')
          .append(recsPerBlock)
          .append(';')
          .append(blocksPerCluster);
    }
    String p = path.toString();
    b.append(' ').append(p.contains(" ") ? "!\"" + p + "\"" : p);
    if (fixed) {
      b.append(" f ").append(sizeKb);
    } else if (sizeKb > 0) {
      b.append(" v ").append(sizeKb);
    }
    return b.toString();
  }

  Extent withPath(Path p) {
    return new Extent(type, areaName, area, recsPerBlock, blocksPerCluster, p, fixed, sizeKb);
  }
}

package dev.baton.ssh;

/**
 * A file's attributes as the {@code stat} module and the transfer engine need them.
 *
 * @param type "file", "directory", "link" or "other"
 * @param mode permission bits (e.g. 0644)
 * @param mtimeEpochSeconds last modification, seconds since the epoch
 */
public record FileStat(
    String path, String type, long size, int mode, long mtimeEpochSeconds, String owner) {
  public boolean isFile() {
    return "file".equals(type);
  }

  public boolean isDirectory() {
    return "directory".equals(type);
  }
}

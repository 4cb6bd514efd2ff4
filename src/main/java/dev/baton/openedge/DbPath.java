package dev.baton.openedge;

/**
 * Where a database lives: its directory and its name ({@code /db/prod/sports} is directory {@code
 * /db/prod}, name {@code sports}). Utilities run in the directory with the name as argument, so
 * that files OpenEdge creates beside the db land there.
 */
record DbPath(String dir, String name) {

  static DbPath of(String arg) {
    if (arg == null || arg.isBlank()) {
      throw new IllegalArgumentException("db is required (path of the database without .db)");
    }
    String p = arg.strip();
    if (p.endsWith(".db")) {
      p = p.substring(0, p.length() - 3);
    }
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    int i = p.lastIndexOf('/');
    String dir = i < 0 ? "." : i == 0 ? "/" : p.substring(0, i);
    String name = p.substring(i + 1);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("db '" + arg + "' does not name a database");
    }
    return new DbPath(dir, name);
  }

  /** A file beside the db: {@code file(".lg")} is {@code /db/prod/sports.lg}. */
  String file(String suffix) {
    return prefix() + suffix;
  }

  /** Directory plus name, without suffix. */
  String prefix() {
    return (dir.equals("/") ? "" : dir) + "/" + name;
  }

  @Override
  public String toString() {
    return prefix();
  }
}

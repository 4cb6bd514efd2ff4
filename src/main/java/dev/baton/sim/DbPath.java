package dev.baton.sim;

import java.nio.file.Path;

/**
 * A database named on a command line: a path or a bare name, with or without the {@code .db}
 * suffix, resolved against the current directory like OpenEdge does.
 */
record DbPath(Path dir, String name) {

  static DbPath of(Path cwd, String arg) {
    String a = arg.endsWith(".db") ? arg.substring(0, arg.length() - 3) : arg;
    Path p = cwd.resolve(a).toAbsolutePath().normalize();
    Path dir = p.getParent() == null ? cwd : p.getParent();
    return new DbPath(dir, p.getFileName().toString());
  }

  Path file(String suffix) {
    return dir.resolve(name + suffix);
  }

  Path control() {
    return file(".db");
  }

  Path lock() {
    return file(".lk");
  }

  Path log() {
    return file(".lg");
  }

  Path structure() {
    return file(".st");
  }

  Path faults() {
    return file(".faults");
  }

  /** The full path without suffix, as OpenEdge prints a database name. */
  String display() {
    return dir.resolve(name).toString();
  }

  boolean exists() {
    return java.nio.file.Files.exists(control());
  }
}

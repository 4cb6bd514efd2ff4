package dev.baton.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a task's relative file ({@code template: src}, {@code copy: src}, {@code include_vars},
 * {@code lookup('file')}) is found, in ansible-core 2.14's order (path_dwim_relative_stack): for a
 * role's task its {@code role/SUBDIR/name} and {@code role/tasks/name}, then the play's {@code
 * SUBDIR/name} and {@code name}. One rule for every module, so that a file a role ships is found
 * the same way wherever it is used.
 *
 * @param roleDir the directory of the task's role, if it is a role's
 * @param playDir the directory of the task's playbook (playbook_dir)
 */
public record SearchPath(Optional<Path> roleDir, Path playDir) {
  /** The candidates in order; an absolute name is itself. */
  public List<Path> candidates(String subdir, String name) {
    Path p = Path.of(name);
    if (p.isAbsolute()) {
      return List.of(p);
    }
    List<Path> out = new ArrayList<>();
    roleDir.ifPresent(
        r -> {
          out.add(r.resolve(subdir).resolve(p).normalize());
          out.add(r.resolve("tasks").resolve(p).normalize());
        });
    out.add(playDir.resolve(subdir).resolve(p).normalize());
    out.add(playDir.resolve(p).normalize());
    return out;
  }

  /** The first candidate that exists (a file, or a directory for copy), if any. */
  public Optional<Path> find(String subdir, String name) {
    return candidates(subdir, name).stream().filter(Files::exists).findFirst();
  }

  /** For an error: where the file was looked for. */
  public String looked(String subdir, String name) {
    return String.join(", ", candidates(subdir, name).stream().map(Path::toString).toList());
  }
}

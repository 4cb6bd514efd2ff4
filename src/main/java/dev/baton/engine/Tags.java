package dev.baton.engine;

import java.util.Set;

/** Ansible's tag selection, including the special tags always, never, tagged and untagged. */
final class Tags {
  private Tags() {}

  static boolean selected(Set<String> taskTags, Set<String> only, Set<String> skip) {
    boolean run;
    if (only.isEmpty() || only.contains("all")) {
      run = !taskTags.contains("never") || intersects(taskTags, only);
    } else {
      run =
          intersects(taskTags, only)
              || taskTags.contains("always")
              || (only.contains("tagged") && !taskTags.isEmpty())
              || (only.contains("untagged") && taskTags.isEmpty());
    }
    if (run && !skip.isEmpty()) {
      boolean skipAlways = taskTags.contains("always") && !skip.contains("always");
      if (!skipAlways
          && (intersects(taskTags, skip)
              || (skip.contains("tagged") && !taskTags.isEmpty())
              || (skip.contains("untagged") && taskTags.isEmpty()))) {
        run = false;
      }
    }
    return run;
  }

  private static boolean intersects(Set<String> a, Set<String> b) {
    return a.stream().anyMatch(b::contains);
  }
}

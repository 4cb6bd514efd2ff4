package dev.baton.playbook;

import java.nio.file.Path;
import java.util.List;

/** A parsed and validated playbook: its plays in order. */
public record Playbook(Path path, List<Play> plays) {
  public Playbook {
    plays = List.copyOf(plays);
  }
}

package dev.baton.openedge;

import dev.baton.modules.Module;
import java.util.List;

/** The OpenEdge modules, for the engine's module registry. */
public final class OpenEdgeModules {
  private OpenEdgeModules() {}

  /** A new instance of every OpenEdge module (they hold no state). */
  public static List<Module> all() {
    return List.of(
        new OpenEdgeFacts(),
        new OpenEdgeBackup(),
        new OpenEdgeStructure(),
        new OpenEdgeRestore(),
        new OpenEdgeServe(),
        new OpenEdgeReplication(),
        new OpenEdgeWaitSync(),
        new OpenEdgeTransition(),
        new OpenEdgeReplCheck(),
        new OpenEdgeAiCheck());
  }
}

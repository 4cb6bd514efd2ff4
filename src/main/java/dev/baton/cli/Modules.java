package dev.baton.cli;

import dev.baton.modules.BuiltinModules;
import dev.baton.modules.Module;
import dev.baton.modules.ModuleRegistry;
import dev.baton.openedge.OpenEdgeModules;
import java.util.ArrayList;
import java.util.List;

/**
 * Every module a run knows: the builtins, the OpenEdge family, and any other module of the
 * ansible-core installed on the jump host (run packed, see {@link dev.baton.modules.PackedModule}).
 */
final class Modules {
  private Modules() {}

  static ModuleRegistry registry() {
    List<Module> all = new ArrayList<>(BuiltinModules.all());
    all.add(new dev.baton.modules.RunLock());
    all.add(new dev.baton.playbook.IncludeVars());
    all.add(new dev.baton.modules.FreeSpace());
    all.addAll(OpenEdgeModules.all());
    all.add(new dev.baton.transfer.TransferModule());
    return new ModuleRegistry(all, dev.baton.modules.AnsibleModules.onJumpHost());
  }
}

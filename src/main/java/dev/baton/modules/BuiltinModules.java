package dev.baton.modules;

import java.util.List;

/** The modules every run knows, as Ansible's builtin collection names them. */
public final class BuiltinModules {
  private BuiltinModules() {}

  /** One fresh instance of each builtin module, for a {@link ModuleRegistry}. */
  public static List<Module> all() {
    return List.of(
        new Command(),
        new Shell(),
        new Copy(),
        new Fetch(),
        new Stat(),
        new FileModule(),
        new Assert(),
        new Fail(),
        new Debug(),
        new SetFact(),
        new WaitFor(),
        new Meta(),
        new Template());
  }
}

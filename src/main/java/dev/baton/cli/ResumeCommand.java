package dev.baton.cli;

import dev.baton.engine.ExitCodes;
import dev.baton.engine.Redaction;
import dev.baton.engine.RunStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton resume RUN}: runs the same playbook with the same inventory and options again,
 * skipping on each host every step the earlier run (or runs) finished.
 */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = "Continue an interrupted or failed run from each host's first unfinished step.")
final class ResumeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN", description = "The id of the run to continue.")
  String runId;

  @Option(
      names = {"-e", "--extra-vars"},
      paramLabel = "VARS",
      description = "Extra vars to add (secrets are not stored with a run: pass them again).")
  List<String> extraVars = new ArrayList<>();

  @Mixin RunOutput output;

  @Mixin VaultOptions vault;

  /**
   * The extra vars a run stored, minus the secrets it masked: passing the mask back would make
   * "********" the password. Secrets are given again with {@code -e}.
   */
  static Map<String, Object> storedExtraVars(Map<String, Object> recorded) {
    Map<String, Object> out = new LinkedHashMap<>(recorded);
    out.values().removeIf(Redaction.MASK::equals);
    return out;
  }

  @Override
  public Integer call() throws Exception {
    vault.install();
    RunStore store = RunStore.fromEnvironment();
    RunStore.RunRecord rec;
    try {
      rec = store.load(runId);
    } catch (IOException e) {
      throw new BatonCliException(ExitCodes.NO_SUCH_RUN, e.getMessage(), e);
    }
    List<String> vars = new ArrayList<>();
    Map<String, Object> stored = storedExtraVars(rec.extraVars());
    if (!stored.isEmpty()) {
      vars.add(Launcher.toJson(stored));
    }
    vars.addAll(extraVars);
    RunRequest request =
        new RunRequest(
            rec.playbook(),
            rec.inventories(),
            rec.limit(),
            rec.tags(),
            rec.skipTags(),
            vars,
            rec.forks(),
            rec.check(),
            rec.runId(),
            rec.connection());
    return new Launcher(output, System.out, System.err).run(request);
  }
}

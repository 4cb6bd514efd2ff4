package dev.baton.cli;

import dev.baton.engine.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code baton} command: subcommands only, no logic. */
@Command(
    name = "baton",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Agentless SSH automation runner; OpenEdge Replication failback.",
    subcommands = {
      PlayCommand.class,
      ResumeCommand.class,
      InventoryCommand.class,
      LabCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      // Answered before picocli builds the whole command tree (annotations of every subcommand
      // read by reflection): about half the CPU time of a bare --version. Same output.
      for (String line : new Version().getVersion()) {
        System.out.println(line);
      }
      System.exit(ExitCodes.OK);
    }
    System.exit(run(args));
  }

  /** Runs baton in this JVM and returns its exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cl = commandLine();
    return cl.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    // "-e @vars.yml" names a vars file (as in Ansible); picocli would otherwise read the file as
    // more command-line arguments and split the YAML into words.
    cl.setExpandAtFiles(false);
    cl.setExecutionExceptionHandler(new ExitCodeMapper());
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine().getErr().println("ERROR! " + ex.getMessage());
          ex.getCommandLine()
              .getErr()
              .println("(see: baton " + ex.getCommandLine().getCommandName() + " --help)");
          return ExitCodes.USAGE;
        });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version from the jar's manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "baton " + (v == null ? "dev" : v),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")"
      };
    }
  }
}

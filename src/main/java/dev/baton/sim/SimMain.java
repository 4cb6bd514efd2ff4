package dev.baton.sim;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of the OpenEdge simulator: argv[0] names the utility ({@code probkup}, {@code
 * prorest}, ..., {@code oesim}), the rest are its arguments exactly as for the real one. {@code
 * install <DLC>} installs the launchers (see {@link SimInstaller}). Pure JDK on purpose: hosts get
 * only this jar.
 */
public final class SimMain {
  private SimMain() {}

  public static void main(String[] argv) {
    System.exit(run(argv, Console.system()));
  }

  static int run(String[] argv, Console c) {
    if (argv.length == 0) {
      c.err().println("usage: SimMain <utility> [args...]   utilities: " + SimInstaller.UTILITIES);
      return 2;
    }
    String tool = argv[0];
    String[] args = Arrays.copyOfRange(argv, 1, argv.length);
    try {
      return switch (tool) {
        case "install" -> install(args, c);
        case "prodb" -> new Prodb(c).run(args);
        case "probkup" -> new Probkup(c).run(args);
        case "prorest" -> new Prorest(c).run(args);
        case "prostrct" -> new Prostrct(c).run(args);
        case "proutil" -> new Proutil(c).run(args);
        case "proserve" -> new Proserve(c).run(args);
        case "proshut" -> new Proshut(c).run(args);
        case "prodel" -> new Prodel(c).run(args);
        case "rfutil" -> new Rfutil(c).run(args);
        case "dsrutil" -> new Dsrutil(c).run(args);
        case "proquiet" -> new Proquiet(c).run(args);
        case "oesim" -> new Oesim(c).run(args);
        case "_broker" -> Broker.main(args);
        default -> {
          c.err().println("SimMain: unknown utility " + tool);
          yield 2;
        }
      };
    } catch (SimExit e) {
      return e.code();
    } catch (Exception e) {
      // A simulator defect or an I/O failure nobody anticipated: one line, non-zero.
      c.err().println(tool + ": " + e);
      return 1;
    }
  }

  private static int install(String[] args, Console c) throws java.io.IOException {
    if (args.length != 1 && !(args.length == 3 && args[1].equals("--release"))) {
      c.err().println("usage: SimMain install <DLC directory> [--release 12.8]");
      return 2;
    }
    Path dlc = c.cwd().resolve(args[0]);
    SimInstaller.install(dlc, args.length == 3 ? args[2] : Release.DEFAULT.toString());
    c.out().println("Installed the baton OpenEdge simulator into " + dlc.toAbsolutePath());
    return 0;
  }
}

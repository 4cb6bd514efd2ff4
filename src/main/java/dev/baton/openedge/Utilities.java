package dev.baton.openedge;

import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs OpenEdge utilities on one host: in the database's directory, with {@code DLC} and {@code
 * $DLC/bin} first on PATH when the host variable {@code openedge_dlc} is set (else the login PATH
 * finds them). Every value is shell-quoted.
 */
final class Utilities {
  /** How a command reaches the host: the task context (become, timeout) or another host. */
  @FunctionalInterface
  interface Exec {
    ExecResult exec(String line, ExecOptions options) throws RemoteException;
  }

  /** A finished utility: its command line and result, with helpers to read messages. */
  record Run(String commandLine, ExecResult result) {
    int rc() {
      return result.exitCode();
    }

    String output() {
      return result.stdout() + (result.stderr().isEmpty() ? "" : "\n" + result.stderr());
    }

    boolean hasMessage(int number) {
      return output().contains("(" + number + ")");
    }

    /** The last lines of output, for failure messages. */
    String tail(int n) {
      List<String> lines = output().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** "`cmd` exited N: last lines", the one-line story of a failed utility. */
    String failure(String host) {
      return host + ": `" + commandLine + "` exited " + rc() + ": " + tail(5);
    }
  }

  private final Exec exec;
  private final String dlc;

  Utilities(Exec exec, Map<String, Object> hostVars) {
    this.exec = exec;
    Object d = hostVars.get("openedge_dlc");
    this.dlc = d == null || d.toString().isBlank() ? null : d.toString();
  }

  String dlc() {
    return dlc;
  }

  /** The command line for {@code utility args...} run against {@code db}'s directory. */
  String line(DbPath db, String utility, List<String> args) {
    return line(db, null, utility, args);
  }

  /** With a pid file: the shell writes its pid there, then becomes the utility (exec). */
  private String line(DbPath db, String pidFile, String utility, List<String> args) {
    StringBuilder b = new StringBuilder("cd ").append(ShellQuote.quote(db.dir())).append(" && ");
    if (pidFile != null) {
      b.append("echo $$ > ").append(ShellQuote.quote(pidFile)).append(" && ");
    }
    if (dlc != null) {
      String q = ShellQuote.quote(dlc);
      b.append("DLC=").append(q).append(" PATH=").append(q).append("/bin:\"$PATH\" ");
    }
    if (pidFile != null) {
      b.append("exec ");
    }
    List<String> argv = new ArrayList<>();
    argv.add(utility);
    argv.addAll(args);
    return b.append(ShellQuote.join(argv)).toString();
  }

  Run run(DbPath db, String utility, String... args) throws RemoteException {
    return run(db, null, utility, List.of(args));
  }

  Run run(DbPath db, String stdin, String utility, List<String> args) throws RemoteException {
    String line = line(db, utility, args);
    ExecOptions opts =
        stdin == null
            ? ExecOptions.DEFAULT
            : ExecOptions.DEFAULT.withStdin(stdin.getBytes(StandardCharsets.UTF_8));
    return new Run(line, exec.exec(line, opts));
  }

  /**
   * Like {@link #run}, with the utility's pid in {@code pidFile} while it runs, so that a later run
   * can tell whether a lock it left belongs to a process that is gone ({@link InterruptedRestore}).
   */
  Run runRecordingPid(DbPath db, String pidFile, String stdin, String utility, List<String> args)
      throws RemoteException {
    ExecOptions opts = ExecOptions.DEFAULT.withStdin(stdin.getBytes(StandardCharsets.UTF_8));
    return new Run(line(db, utility, args), exec.exec(line(db, pidFile, utility, args), opts));
  }

  /** A plain shell line (not an OpenEdge utility), e.g. {@code sha256sum}. */
  ExecResult shell(String line) throws RemoteException {
    return exec.exec(line, ExecOptions.DEFAULT);
  }
}

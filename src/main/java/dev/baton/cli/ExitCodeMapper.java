package dev.baton.cli;

import dev.baton.engine.ExitCodes;
import dev.baton.playbook.FileNames;
import dev.baton.playbook.PlaybookException;
import picocli.CommandLine;

/**
 * Turns whatever escaped a command into one clear line on stderr and a documented exit code. Stack
 * traces are shown only with {@code -Dbaton.trace=1}, because an operator needs the reason, not the
 * call stack.
 */
final class ExitCodeMapper implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
    var err = cmd.getErr();
    if (ex instanceof PlaybookException pe) {
      err.println("ERROR! " + pe.getMessage());
      if (!pe.snippet().isEmpty()) {
        err.println(pe.snippet());
      }
      return ExitCodes.BAD_INPUT;
    }
    if (ex instanceof BatonCliException be) {
      err.println("ERROR! " + be.getMessage());
      return be.exitCode();
    }
    if (ex instanceof java.nio.file.InvalidPathException ip) {
      // A name that reached a file path without passing a loader's own check (which names its
      // file:line:col): still one line, still bad input, never "internal error".
      err.println("ERROR! " + new FileNames.Unmappable(ip.getInput()).getMessage());
      return ExitCodes.BAD_INPUT;
    }
    err.println("ERROR! internal error: " + ex);
    if (System.getProperty("baton.trace") != null) {
      ex.printStackTrace(err);
    } else {
      err.println("(run with -Dbaton.trace=1 for the stack trace, and please report it)");
    }
    return ExitCodes.INTERNAL;
  }
}

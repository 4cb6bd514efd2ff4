package dev.baton.openedge;

import dev.baton.modules.Args;
import dev.baton.modules.Module;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.TaskFailure;
import dev.baton.modules.TaskResult;
import dev.baton.ssh.RemoteException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * What every OpenEdge module shares: argument errors and unreadable facts become one-line Failed
 * results; a dead session propagates as {@link RemoteException} (UNREACHABLE).
 */
abstract class OpenEdgeModule implements Module {

  /** The module's work, with its arguments wrapped. */
  abstract TaskResult execute(ModuleContext ctx, Args args) throws Exception;

  @Override
  public final TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    try {
      return execute(ctx, Args.of(this, args));
    } catch (TaskFailure e) {
      return e.toResult(name());
    } catch (IllegalArgumentException e) {
      return TaskResult.failed(name() + ": " + e.getMessage());
    } catch (FactsProbe.ProbeFailed e) {
      return TaskResult.failed(e.getMessage());
    } catch (IOException e) {
      if (e.getCause() instanceof RemoteException re) {
        throw re;
      }
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return TaskResult.failed(ctx.host() + ": " + name() + ": " + why);
    }
  }

  static Utilities utilities(ModuleContext ctx) {
    return new Utilities(ctx::exec, ctx.vars());
  }

  static FactsProbe probe(ModuleContext ctx) throws RemoteException {
    return new FactsProbe(utilities(ctx), files(ctx), ctx.host());
  }

  /** File operations through the task's shell (so become applies). */
  static HostFiles files(ModuleContext ctx) {
    return new HostFiles(ctx::exec, ctx.host());
  }

  /** Reads a small text file from the host (manifests, markers, .st files). */
  static Optional<String> readText(ModuleContext ctx, String path)
      throws IOException, RemoteException {
    return files(ctx).read(path);
  }

  static void writeText(ModuleContext ctx, String path, String text)
      throws IOException, RemoteException {
    files(ctx).write(path, text);
  }

  /** sha256 of a file computed on the host itself. */
  static String sha256(ModuleContext ctx, String path) throws RemoteException {
    var r = ctx.exec(dev.baton.transfer.HostDigest.commandFor(path));
    var m = java.util.regex.Pattern.compile("\\b([0-9a-f]{64})\\b").matcher(r.stdout());
    if (r.exitCode() != 0 || !m.find()) {
      throw new IllegalArgumentException(
          "sha256 of " + path + " failed (exit " + r.exitCode() + "): " + r.stderr().strip());
    }
    return m.group(1);
  }

  /** key=value lines, as the manifests this package writes. */
  static Map<String, String> keyValues(String text) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int i = line.indexOf('=');
      if (i > 0) {
        m.put(line.substring(0, i).strip(), line.substring(i + 1).strip());
      }
    }
    return m;
  }
}

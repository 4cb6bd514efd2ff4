package dev.baton.modules;

import dev.baton.modules.ArgSpec.Type;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code free_space}: fails unless the file system holding {@code path} has at least {@code needed}
 * bytes free for non-root users. Read-only (so it answers in {@code --check} too): a playbook puts
 * it before the first step that writes, so a run that cannot finish refuses before it changes
 * anything, rather than filling a disk half way through. A baton module, not one of Ansible's
 * builtins.
 */
public final class FreeSpace implements Module {
  @Override
  public String name() {
    return "free_space";
  }

  @Override
  public ArgSpec args() {
    return new ArgSpec(
        Map.of(
            "path", ArgSpec.required(Type.PATH),
            "needed", ArgSpec.required(Type.ANY),
            "what", ArgSpec.optional(Type.STRING, null)),
        false,
        false,
        List.<Set<String>>of());
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    String path = String.valueOf(args.get("path"));
    long needed;
    try {
      needed = bytes(String.valueOf(args.get("needed")));
    } catch (NumberFormatException | ArithmeticException e) {
      return TaskResult.failed(
          "free_space: needed must be a byte count (digits, optional K/M/G), not '"
              + args.get("needed")
              + "'");
    }
    Object what = args.get("what");
    String purpose = what == null || what.toString().isBlank() ? "" : " for " + what;
    long free;
    try {
      free = ctx.remote().files().freeSpace(path);
    } catch (java.nio.file.NoSuchFileException e) {
      return TaskResult.failed(
          ctx.host()
              + ": "
              + path
              + " does not exist"
              + (purpose.isEmpty() ? "" : " (it is to hold" + purpose.substring(4) + ")")
              + "; create it or name another directory; nothing was changed");
    } catch (IOException e) {
      if (e.getCause() instanceof dev.baton.ssh.RemoteException re) {
        throw re;
      }
      return TaskResult.failed(
          ctx.host() + ": cannot read the free space of " + path + ": " + e.getMessage());
    }
    Map<String, Object> data = TaskResult.data("path", path, "needed", needed, "free", free);
    if (free < needed) {
      return new TaskResult.Failed(
          ctx.host()
              + ": not enough free space in "
              + path
              + purpose
              + ": "
              + human(needed)
              + " needed, "
              + human(free)
              + " free",
          data);
    }
    return new TaskResult.Ok(
        human(free) + " free in " + path + purpose + " (" + human(needed) + " needed)", data);
  }

  /** Digits with an optional K, M, G or T suffix (powers of 1024). */
  static long bytes(String text) {
    String v = text.strip().toUpperCase(java.util.Locale.ROOT);
    if (v.endsWith("IB")) {
      v = v.substring(0, v.length() - 2);
    } else if (v.endsWith("B")) {
      v = v.substring(0, v.length() - 1);
    }
    long mult = 1;
    if (!v.isEmpty() && "KMGT".indexOf(v.charAt(v.length() - 1)) >= 0) {
      mult = 1L << (10 * ("KMGT".indexOf(v.charAt(v.length() - 1)) + 1));
      v = v.substring(0, v.length() - 1).strip();
    }
    long n = Long.parseLong(v);
    if (n < 0) {
      throw new NumberFormatException("negative");
    }
    return Math.multiplyExact(n, mult);
  }

  private static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }
}

package dev.baton.modules;

import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The changes one task makes to one path, run at once or, in check mode, only listed. Shared by
 * {@code file} and {@code copy}, which set mode, owner and group the same way.
 */
final class Changes {
  private final ModuleContext ctx;
  private final String module;
  private final String path;
  private final List<String> done = new ArrayList<>();

  Changes(ModuleContext ctx, String module, String path) {
    this.ctx = ctx;
    this.module = module;
    this.path = path;
  }

  boolean changed() {
    return !done.isEmpty();
  }

  /** Records a change made by other means (an upload). */
  void note(String what) {
    done.add(what);
  }

  List<String> done() {
    return List.copyOf(done);
  }

  void run(String commandLine, String what) throws RemoteException, TaskFailure {
    done.add(what);
    if (ctx.checkMode()) {
      return;
    }
    var r = ctx.exec(commandLine);
    if (!r.ok()) {
      throw new TaskFailure(
          module + ": " + what + " failed on " + path + ": " + r.stderr().strip(),
          Map.of("rc", r.exitCode(), "stderr", r.stderr()));
    }
  }

  /** Brings mode, owner and group in line; {@code p} is the present state, null when new. */
  void attributes(Args a, PathInfo p, boolean recurse) throws RemoteException, TaskFailure {
    String q = ShellQuote.quote(path);
    Integer mode = a.mode("mode", p == null ? 0 : p.mode());
    String owner = a.str("owner");
    String group = a.str("group");
    if (mode != null && (p == null || p.mode() != mode)) {
      run("chmod " + Args.octal(mode) + " -- " + q, "mode " + Args.octal(mode));
    }
    if (owner != null && (p == null || !sameId(owner, p.owner(), p.uid()))) {
      run("chown " + ShellQuote.quote(owner) + " -- " + q, "owner " + owner);
    }
    if (group != null && (p == null || !sameId(group, p.group(), p.gid()))) {
      run("chgrp " + ShellQuote.quote(group) + " -- " + q, "group " + group);
    }
    if (recurse && p != null) {
      recurse(a, q, owner, group);
    }
  }

  private void recurse(Args a, String q, String owner, String group)
      throws RemoteException, TaskFailure {
    String raw = a.str("mode");
    if (raw != null) {
      Integer octal =
          a.raw("mode") instanceof Number || raw.trim().matches("0?[oO]?[0-7]{1,4}")
              ? a.mode("mode", 0)
              : null;
      if (octal != null) {
        String m = Args.octal(octal);
        if (differs("find " + q + " ! -type l ! -perm " + m)) {
          run("chmod -R " + m + " -- " + q, "mode " + m + " below " + path);
        }
      } else if (ctx.checkMode()) {
        done.add("mode " + raw + " below " + path + " (may already be set)");
      } else {
        // A symbolic mode's outcome depends on each file: apply it and compare the modes.
        String list = "find " + q + " ! -type l -exec stat -c '%a %n' {} + | cksum";
        var r =
            ctx.exec(
                "b=$("
                    + list
                    + ") && chmod -R "
                    + ShellQuote.quote(raw)
                    + " -- "
                    + q
                    + " && a=$("
                    + list
                    + ") && { [ \"$a\" = \"$b\" ] && echo SAME || echo CHANGED; }");
        if (!r.ok()) {
          throw new TaskFailure(
              module + ": chmod -R " + raw + " " + path + ": " + r.stderr().strip());
        }
        if (r.stdout().contains("CHANGED")) {
          done.add("mode " + raw + " below " + path);
        }
      }
    }
    if (owner != null && differs("find " + q + " ! -user " + ShellQuote.quote(owner))) {
      run("chown -R " + ShellQuote.quote(owner) + " -- " + q, "owner " + owner + " below");
    }
    if (group != null && differs("find " + q + " ! -group " + ShellQuote.quote(group))) {
      run("chgrp -R " + ShellQuote.quote(group) + " -- " + q, "group " + group + " below");
    }
  }

  private boolean differs(String find) throws RemoteException, TaskFailure {
    var r = ctx.exec(find + " -print | head -n 1");
    if (!r.ok()) {
      throw new TaskFailure(module + ": " + find + ": " + r.stderr().strip());
    }
    return !r.stdout().isBlank();
  }

  private static boolean sameId(String wanted, String name, int id) {
    return wanted.equals(name) || wanted.equals(String.valueOf(id));
  }

  TaskResult result(String state, Optional<PathInfo> now) {
    Map<String, Object> d = TaskResult.data("path", path, "state", state);
    now.ifPresent(
        p -> {
          if (!p.isLink()) {
            d.put("mode", Args.octal(p.mode()));
          }
          d.put("owner", p.owner());
          if (p.group() != null) {
            d.put("group", p.group());
          }
          if (p.uid() >= 0) {
            d.put("uid", p.uid());
            d.put("gid", p.gid());
          }
          d.put("size", p.size());
          if (p.isLink()) {
            d.put("src", p.linkTarget());
          }
        });
    if (done.isEmpty()) {
      return new TaskResult.Ok(path + " is already " + state, d);
    }
    String msg = (ctx.checkMode() ? "would change " : "") + path + ": " + String.join(", ", done);
    return new TaskResult.Changed(msg, d);
  }
}

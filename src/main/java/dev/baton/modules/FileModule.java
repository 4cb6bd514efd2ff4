package dev.baton.modules;

import dev.baton.modules.ArgSpec.Type;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Ansible's {@code file}: makes a path a file, a directory, a symbolic link, touched, or absent,
 * with the asked mode, owner and group. Reads what is there first and changes only what differs; in
 * check mode reports what it would change. Changes run through {@link ModuleContext#exec} so that
 * become applies.
 */
final class FileModule implements Module {

  @Override
  public String name() {
    return "file";
  }

  @Override
  public ArgSpec args() {
    return new ArgSpec(
        Map.of(
            "path", ArgSpec.required(Type.PATH),
            "state", ArgSpec.optional(Type.STRING, null),
            "mode", ArgSpec.optional(Type.ANY, null),
            "owner", ArgSpec.optional(Type.STRING, null),
            "group", ArgSpec.optional(Type.STRING, null),
            "src", ArgSpec.optional(Type.PATH, null),
            "recurse", ArgSpec.optional(Type.BOOL, false),
            "force", ArgSpec.optional(Type.BOOL, false),
            "follow", ArgSpec.optional(Type.BOOL, true)),
        false,
        false,
        List.<Set<String>>of());
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    try {
      Args a = Args.of(this, args);
      String path = a.required("path").replaceAll("(.)/+$", "$1");
      boolean recurse = a.bool("recurse", false);
      Optional<PathInfo> before = PathInfo.probe(ctx, path);
      String state = a.str("state");
      if (state == null) {
        state =
            recurse
                ? "directory"
                : before
                    .map(p -> p.isDirectory() ? "directory" : p.isLink() ? "link" : "file")
                    .orElse("file");
      }
      if (recurse && !state.equals("directory")) {
        throw a.bad("recurse is only valid with state=directory");
      }
      Changes step = new Changes(ctx, name(), path);
      switch (state) {
        case "absent" -> {
          if (before.isPresent()) {
            step.run("rm -rf -- " + ShellQuote.quote(path), "removed");
          }
          return step.result("absent", Optional.empty());
        }
        case "file" -> {
          PathInfo p =
              before.orElseThrow(
                  () -> new TaskFailure("file: " + path + " is absent, cannot continue"));
          if (p.isDirectory()) {
            throw new TaskFailure(
                "file: " + path + " is a directory, cannot continue with state=file");
          }
          step.attributes(a, p.isLink() ? resolved(ctx, path, p) : p, false);
        }
        case "directory" -> {
          PathInfo p = before.orElse(null);
          if (p != null && !p.isDirectory()) {
            throw new TaskFailure(
                "file: " + path + " exists but is a " + p.type() + ", not a directory");
          }
          if (p == null) {
            step.run("mkdir -p -- " + ShellQuote.quote(path), "created directory");
          }
          step.attributes(a, p, recurse);
        }
        case "touch" -> {
          step.run(
              "touch -- " + ShellQuote.quote(path),
              before.isPresent() ? "updated access and modification times" : "created file");
          step.attributes(a, before.orElse(null), false);
        }
        case "link" -> {
          String src = a.str("src");
          if (src == null || src.isEmpty()) {
            throw a.bad("src is required for state=link");
          }
          PathInfo p = before.orElse(null);
          if (p != null && p.isLink()) {
            if (!src.equals(p.linkTarget())) {
              step.run(
                  "ln -sfn -- " + ShellQuote.quote(src) + " " + ShellQuote.quote(path),
                  "relinked from " + p.linkTarget());
            }
          } else if (p != null && p.isDirectory()) {
            throw new TaskFailure(
                "file: refusing to replace directory " + path + " with a link to " + src);
          } else if (p != null && !a.bool("force", false)) {
            throw new TaskFailure(
                "file: refusing to convert from "
                    + p.type()
                    + " to symlink for "
                    + path
                    + " (force=yes replaces it)");
          } else {
            String q = ShellQuote.quote(path);
            step.run(
                (p == null ? "" : "rm -f -- " + q + " && ")
                    + "ln -s -- "
                    + ShellQuote.quote(src)
                    + " "
                    + q,
                "linked to " + src);
          }
        }
        case "hard" -> throw a.bad("state=hard is not supported; use state=link");
        default ->
            throw a.bad("state must be one of file, directory, absent, touch, link, not " + state);
      }
      return step.result(state, ctx.checkMode() ? before : PathInfo.probe(ctx, path));
    } catch (TaskFailure f) {
      return f.toResult(name());
    }
  }

  private static PathInfo resolved(ModuleContext ctx, String path, PathInfo link)
      throws RemoteException, TaskFailure {
    String to = link.linkTarget();
    String target = to.startsWith("/") ? to : path.substring(0, path.lastIndexOf('/') + 1) + to;
    return PathInfo.probe(ctx, target)
        .orElseThrow(() -> new TaskFailure("file: " + path + " is a dangling link to " + to));
  }
}

package dev.baton.modules;

import dev.baton.modules.ArgSpec.Type;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Ansible's {@code stat}: what is at a path, as {@code stat: {exists, path, isreg, isdir, islnk,
 * size, mode, mtime, uid, gid, pw_name, gr_name, lnk_target, checksum}}. Never changes anything.
 */
final class Stat implements Module {

  @Override
  public String name() {
    return "stat";
  }

  @Override
  public ArgSpec args() {
    return new ArgSpec(
        Map.of(
            "path", ArgSpec.required(Type.PATH),
            "get_checksum", ArgSpec.optional(Type.BOOL, true),
            "checksum_algorithm", ArgSpec.optional(Type.STRING, "sha1"),
            "follow", ArgSpec.optional(Type.BOOL, false),
            "get_md5", ArgSpec.optional(Type.BOOL, false),
            "get_mime", ArgSpec.optional(Type.BOOL, false),
            "get_attributes", ArgSpec.optional(Type.BOOL, false)),
        false,
        false,
        List.<Set<String>>of());
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    try {
      Args a = Args.of(this, args);
      String path = a.required("path");
      boolean getChecksum = a.bool("get_checksum", true);
      Checksums.Algorithm alg = Checksums.Algorithm.named(a.str("checksum_algorithm", "sha1"));
      Optional<PathInfo> found = PathInfo.probe(ctx, path);
      if (found.isPresent() && found.get().isLink() && a.bool("follow", false)) {
        Optional<PathInfo> target = PathInfo.probe(ctx, resolveLink(path, found.get()));
        if (target.isPresent()) {
          found = Optional.of(withPath(target.get(), path));
        }
      }
      Map<String, Object> st = TaskResult.data("exists", found.isPresent());
      if (found.isPresent()) {
        PathInfo p = found.get();
        st.put("path", path);
        st.put("isreg", p.isFile());
        st.put("isdir", p.isDirectory());
        st.put("islnk", p.isLink());
        st.put("size", p.size());
        st.put("mode", Args.octal(p.mode()));
        st.put("mtime", p.mtime());
        if (p.uid() >= 0) {
          st.put("uid", p.uid());
          st.put("gid", p.gid());
        }
        st.put("pw_name", p.owner());
        if (p.group() != null) {
          st.put("gr_name", p.group());
        }
        if (p.isLink()) {
          st.put("lnk_target", p.linkTarget());
          st.put("lnk_source", resolveLink(path, p));
        }
        if (getChecksum && p.isFile()) {
          st.put("checksum", Checksums.remote(ctx, path, alg));
        }
      }
      return new TaskResult.Ok("", TaskResult.data("stat", st));
    } catch (TaskFailure f) {
      return f.toResult(name());
    }
  }

  private static String resolveLink(String path, PathInfo link) {
    String target = link.linkTarget() == null ? "" : link.linkTarget();
    if (target.startsWith("/")) {
      return target;
    }
    int slash = path.lastIndexOf('/');
    return (slash < 0 ? "" : path.substring(0, slash + 1)) + target;
  }

  private static PathInfo withPath(PathInfo p, String path) {
    return new PathInfo(
        path,
        p.type(),
        p.size(),
        p.mode(),
        p.mtime(),
        p.uid(),
        p.gid(),
        p.owner(),
        p.group(),
        p.linkTarget());
  }
}

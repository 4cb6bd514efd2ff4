package dev.baton.modules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Ansible's {@code copy}: puts a local file ({@code src}, relative to the playbook) or literal
 * {@code content} at {@code dest} on the host. Compares size and sha1 first and uploads only when
 * they differ; the upload streams into a temporary file beside {@code dest} that is renamed over
 * it, so readers never see half a file. A directory {@code src} is copied file by file ({@code
 * src/} copies its contents, {@code src} the directory itself).
 */
final class Copy implements Module {
  private static final DateTimeFormatter BACKUP_STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss");

  @Override
  public String name() {
    return "copy";
  }

  @Override
  public ArgSpec args() {
    return new ArgSpec(
        Map.ofEntries(
            Map.entry("src", ArgSpec.optional(Type.PATH, null)),
            Map.entry("content", ArgSpec.optional(Type.ANY, null)),
            Map.entry("dest", ArgSpec.required(Type.PATH)),
            Map.entry("mode", ArgSpec.optional(Type.ANY, null)),
            Map.entry("directory_mode", ArgSpec.optional(Type.ANY, null)),
            Map.entry("owner", ArgSpec.optional(Type.STRING, null)),
            Map.entry("group", ArgSpec.optional(Type.STRING, null)),
            Map.entry("force", ArgSpec.optional(Type.BOOL, true)),
            Map.entry("backup", ArgSpec.optional(Type.BOOL, false)),
            Map.entry("validate", ArgSpec.optional(Type.STRING, null)),
            Map.entry("remote_src", ArgSpec.optional(Type.BOOL, false))),
        false,
        false,
        List.of(Set.of("src", "content")));
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    try {
      Args a = Args.of(this, args);
      String dest = a.required("dest");
      if (a.has("src") == a.has("content")) {
        throw a.bad("give exactly one of src or content");
      }
      if (a.has("content")) {
        byte[] bytes = contentBytes(args.get("content"));
        if (dest.endsWith("/")) {
          throw a.bad("can not use content with a dir as dest");
        }
        Optional<PathInfo> there = PathInfo.probe(ctx, dest);
        if (there.isPresent() && there.get().isDirectory()) {
          throw a.bad("can not use content with a dir as dest");
        }
        return one(
            ctx,
            a,
            new Source(null, null, bytes.length, Checksums.sha1(bytes), bytes),
            dest,
            there);
      }
      String srcArg = a.str("src");
      if (a.bool("remote_src", false)) {
        return fromRemote(ctx, a, srcArg, dest);
      }
      // As Ansible: files/ first (the role's, then the playbook's), then the directory itself.
      Optional<Path> found = ctx.searchPath().find("files", srcArg);
      if (found.isEmpty()) {
        throw a.bad(
            "could not find src="
                + srcArg
                + " (looked in "
                + ctx.searchPath().looked("files", srcArg)
                + ")");
      }
      Path src = found.get();
      if (Files.isDirectory(src)) {
        return directory(ctx, a, src, srcArg.endsWith("/"), dest);
      }
      Optional<PathInfo> there = PathInfo.probe(ctx, dest);
      if (dest.endsWith("/") || (there.isPresent() && there.get().isDirectory())) {
        dest = dest.replaceAll("/+$", "") + "/" + src.getFileName();
        there = PathInfo.probe(ctx, dest);
      }
      return one(ctx, a, Source.of(src), dest, there);
    } catch (TaskFailure f) {
      return f.toResult(name());
    }
  }

  /** {@code remote_src}: a file already on the host is copied there, never through here. */
  private TaskResult fromRemote(ModuleContext ctx, Args a, String src, String dest)
      throws RemoteException, TaskFailure {
    PathInfo from =
        PathInfo.probe(ctx, src)
            .orElseThrow(() -> new TaskFailure("copy: remote src " + src + " does not exist"));
    if (from.isLink()) {
      // cp follows the link; compare against what it points to.
      String t = from.linkTarget();
      String target = t.startsWith("/") ? t : src.substring(0, src.lastIndexOf('/') + 1) + t;
      from =
          PathInfo.probe(ctx, target)
              .orElseThrow(
                  () -> new TaskFailure("copy: remote src " + src + " is a dangling link"));
    }
    if (!from.isFile()) {
      throw new TaskFailure(
          "copy: remote src " + src + " is a " + from.type() + "; remote_src copies files only");
    }
    Optional<PathInfo> there = PathInfo.probe(ctx, dest);
    if (dest.endsWith("/") || (there.isPresent() && there.get().isDirectory())) {
      dest = dest.replaceAll("/+$", "") + "/" + src.substring(src.lastIndexOf('/') + 1);
      there = PathInfo.probe(ctx, dest);
    }
    String sha1 = Checksums.remote(ctx, src, Checksums.Algorithm.SHA1);
    return one(ctx, a, new Source(null, src, from.size(), sha1, null), dest, there);
  }

  /** What to put at dest: a local file (streamed), bytes given inline, or a file on the host. */
  private record Source(Path file, String remotePath, long size, String sha1, byte[] bytes) {
    static Source of(Path file) throws TaskFailure {
      try {
        return new Source(
            file, null, Files.size(file), Checksums.local(file, Checksums.Algorithm.SHA1), null);
      } catch (IOException e) {
        throw new TaskFailure("copy: cannot read " + file + ": " + e.getMessage());
      }
    }

    InputStream open() throws IOException {
      return file == null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
    }
  }

  private static byte[] contentBytes(Object content) throws TaskFailure {
    if (content instanceof Map<?, ?> || content instanceof List<?>) {
      try {
        // As Ansible: structured content is written as JSON.
        return new ObjectMapper().writeValueAsBytes(content);
      } catch (JsonProcessingException e) {
        throw new TaskFailure("copy: content cannot be written as JSON: " + e.getMessage());
      }
    }
    return String.valueOf(content).getBytes(StandardCharsets.UTF_8);
  }

  private TaskResult one(
      ModuleContext ctx, Args a, Source src, String dest, Optional<PathInfo> there)
      throws RemoteException, TaskFailure {
    Changes changes = new Changes(ctx, name(), dest);
    Map<String, Object> extra = copyFile(ctx, a, src, dest, there, changes, false);
    Optional<PathInfo> now = ctx.checkMode() ? there : PathInfo.probe(ctx, dest);
    TaskResult r = changes.result("file", now);
    Map<String, Object> d = TaskResult.data("dest", dest);
    if (src.file() != null || src.remotePath() != null) {
      d.put("src", src.file() != null ? src.file().toString() : src.remotePath());
    }
    d.put("checksum", src.sha1());
    d.putAll(r.data());
    d.remove("path");
    d.putAll(extra);
    String msg = r.msg();
    return r instanceof TaskResult.Changed
        ? new TaskResult.Changed(msg, d)
        : new TaskResult.Ok(dest + " is already as asked", d);
  }

  /** Copies one file unless it is already there, then sets its attributes; returns result data. */
  private Map<String, Object> copyFile(
      ModuleContext ctx,
      Args a,
      Source src,
      String dest,
      Optional<PathInfo> there,
      Changes changes,
      boolean parentKnown)
      throws RemoteException, TaskFailure {
    Map<String, Object> extra = new java.util.LinkedHashMap<>();
    if (there.isPresent() && !there.get().isFile() && !there.get().isLink()) {
      throw new TaskFailure("copy: " + dest + " exists and is a " + there.get().type());
    }
    if (there.isPresent() && !a.bool("force", true)) {
      return extra;
    }
    boolean same =
        there.isPresent()
            && there.get().isFile()
            && there.get().size() == src.size()
            && Checksums.remote(ctx, dest, Checksums.Algorithm.SHA1).equals(src.sha1());
    if (!same) {
      if (there.isEmpty() && !parentKnown) {
        String parent = parentOf(dest);
        Optional<PathInfo> dir = PathInfo.probe(ctx, parent);
        if (dir.isEmpty() || !dir.get().isDirectory()) {
          throw new TaskFailure("copy: destination directory " + parent + " does not exist");
        }
      }
      changes.note(there.isPresent() ? "content replaced" : "created");
      if (!ctx.checkMode()) {
        upload(ctx, a, src, dest, there, extra);
      }
    }
    PathInfo now = same ? there.get() : null;
    if (!same && !ctx.checkMode()) {
      now = PathInfo.probe(ctx, dest).orElse(null);
    }
    changes.attributes(a, now, false);
    return extra;
  }

  private void upload(
      ModuleContext ctx,
      Args a,
      Source src,
      String dest,
      Optional<PathInfo> there,
      Map<String, Object> extra)
      throws RemoteException, TaskFailure {
    Upload up = new Upload(ctx, name());
    String temp = Upload.tempBeside(dest);
    if (src.remotePath() != null) {
      var cp =
          ctx.exec("cp -- " + ShellQuote.quote(src.remotePath()) + " " + ShellQuote.quote(temp));
      if (!cp.ok()) {
        up.discard(temp);
        throw new TaskFailure(
            "copy: cannot copy " + src.remotePath() + " to " + dest + ": " + cp.stderr().strip());
      }
    } else {
      try (InputStream in = src.open()) {
        up.write(in, src.size(), temp, "copy " + dest);
      } catch (IOException e) {
        throw new TaskFailure("copy: cannot read " + src.file() + ": " + e.getMessage());
      }
    }
    try {
      // A replaced file keeps its mode unless one is asked for; a new one gets 0644 as Ansible's
      // default umask gives (the temp file was created private).
      int keep = there.filter(PathInfo::isFile).map(PathInfo::mode).orElse(0644);
      Integer mode = a.mode("mode", keep);
      String chmod =
          "chmod " + Args.octal(mode == null ? keep : mode) + " -- " + ShellQuote.quote(temp);
      var r = ctx.exec(chmod);
      if (!r.ok()) {
        throw new TaskFailure("copy: " + chmod + ": " + r.stderr().strip());
      }
      String validate = a.str("validate");
      if (validate != null) {
        if (!validate.contains("%s")) {
          throw a.bad("validate must contain %s (the file to check): " + validate);
        }
        var v = ctx.exec(validate.replace("%s", ShellQuote.quote(temp)));
        if (!v.ok()) {
          throw new TaskFailure(
              "copy: failed to validate "
                  + dest
                  + " with `"
                  + validate
                  + "` (rc "
                  + v.exitCode()
                  + "): "
                  + (v.stderr().isBlank() ? v.stdout() : v.stderr()).strip());
        }
      }
      if (there.isPresent() && a.bool("backup", false)) {
        String backup =
            dest
                + "."
                + ProcessHandle.current().pid()
                + "."
                + BACKUP_STAMP.format(LocalDateTime.now())
                + "~";
        var b = ctx.exec("cp -p -- " + ShellQuote.quote(dest) + " " + ShellQuote.quote(backup));
        if (!b.ok()) {
          throw new TaskFailure("copy: cannot back up " + dest + ": " + b.stderr().strip());
        }
        extra.put("backup_file", backup);
      }
    } catch (TaskFailure | RemoteException | RuntimeException e) {
      up.discard(temp);
      throw e;
    }
    up.commit(temp, dest);
  }

  /** A local directory: each file below it, with the directories they need. */
  private TaskResult directory(
      ModuleContext ctx, Args a, Path src, boolean contentsOnly, String dest)
      throws RemoteException, TaskFailure {
    String root = dest.replaceAll("/+$", "");
    if (!contentsOnly) {
      root = root + "/" + src.getFileName();
    }
    List<Path> entries = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(src)) {
      walk.sorted().forEach(entries::add);
    } catch (IOException e) {
      throw new TaskFailure("copy: cannot list " + src + ": " + e.getMessage());
    }
    Changes all = new Changes(ctx, name(), root);
    for (Path p : entries) {
      String rel = src.relativize(p).toString().replace('\\', '/');
      String target = rel.isEmpty() ? root : root + "/" + rel;
      Optional<PathInfo> there = PathInfo.probe(ctx, target);
      if (Files.isDirectory(p)) {
        if (there.isEmpty()) {
          all.run("mkdir -p -- " + ShellQuote.quote(target), "created " + target);
          if (a.has("directory_mode")) {
            Integer m = a.mode("directory_mode", 0755);
            all.run(
                "chmod " + Args.octal(m) + " -- " + ShellQuote.quote(target), "mode of " + target);
          }
        } else if (!there.get().isDirectory()) {
          throw new TaskFailure("copy: " + target + " exists and is not a directory");
        }
      } else if (Files.isRegularFile(p)) {
        Changes one = new Changes(ctx, name(), target);
        copyFile(ctx, a, Source.of(p), target, there, one, true);
        one.done().forEach(what -> all.note(target + ": " + what));
      }
    }
    Map<String, Object> d = TaskResult.data("dest", root, "src", src.toString());
    return all.changed()
        ? new TaskResult.Changed(
            (ctx.checkMode() ? "would change " : "") + String.join(", ", all.done()), d)
        : new TaskResult.Ok(root + " is already as asked", d);
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "." : slash == 0 ? "/" : path.substring(0, slash);
  }
}

package dev.baton.openedge;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Args;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.TaskResult;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.FileStat;
import dev.baton.ssh.Remote;
import dev.baton.ssh.ShellQuote;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@code openedge_structure}: makes sure {@code <db>.st} beside the target db describes where
 * PROREST must put the extents. The content comes from {@code src} (a file beside the playbook, or
 * on the host with {@code remote_src}) or from the source database ({@code prostrct list} on {@code
 * from_host}) with its paths rewritten for this host. Every directory it names must exist here
 * before the file is written.
 */
final class OpenEdgeStructure extends OpenEdgeModule {
  @Override
  public String name() {
    return "openedge_structure";
  }

  @Override
  public ArgSpec args() {
    return new ArgSpec(
        Map.of(
            "db", ArgSpec.required(Type.PATH),
            "src", ArgSpec.optional(Type.PATH, null),
            "remote_src", ArgSpec.optional(Type.BOOL, false),
            "from_host", ArgSpec.optional(Type.STRING, null),
            "from_db", ArgSpec.optional(Type.PATH, null),
            "path_map", ArgSpec.optional(Type.MAP, null),
            "create_dirs", ArgSpec.optional(Type.BOOL, false),
            "check_only", ArgSpec.optional(Type.BOOL, false)),
        false,
        false,
        List.of(java.util.Set.of("src", "from_host")));
  }

  @Override
  TaskResult execute(ModuleContext ctx, Args args) throws Exception {
    DbPath db = DbPath.of(args.required("db"));
    String target = db.file(".st");
    Map<String, Object> data = TaskResult.data("db", db.prefix(), "st", target);
    Map<String, String> pathMap = args.stringMap("path_map");
    String text;
    String origin;
    UnaryOperator<String> rewrite;
    if (args.string("src") != null) {
      if (args.string("from_host") != null) {
        throw new IllegalArgumentException("give either src or from_host, not both");
      }
      String src = args.string("src");
      if (args.bool("remote_src", false)) {
        text =
            readText(ctx, src)
                .orElseThrow(
                    () -> new IllegalArgumentException(ctx.host() + ": " + src + " not found"));
        origin = ctx.host() + ":" + src;
      } else {
        Path p = ctx.playbookDir().resolve(src);
        if (!Files.isRegularFile(p)) {
          throw new IllegalArgumentException("src " + p + " not found on the controller");
        }
        text = Files.readString(p, StandardCharsets.UTF_8);
        origin = p.toString();
      }
      rewrite = StructureFile.mapping(pathMap);
    } else {
      String fromHost = args.required("from_host");
      DbPath from = DbPath.of(args.required("from_db"));
      Optional<String> listed = listOnSource(ctx, fromHost, from, data);
      if (listed.isEmpty()) {
        return new TaskResult.Failed((String) data.remove("error"), data);
      }
      text = listed.get();
      origin = fromHost + ":" + from.file(".st") + " (prostrct list)";
      rewrite = StructureFile.relocation(from.dir(), from.name(), db.dir(), db.name(), pathMap);
    }
    StructureFile parsed = StructureFile.parse(text, origin);
    String wanted = parsed.rewrite(rewrite);
    StructureFile result = StructureFile.parse(wanted, target);
    data.put("content", wanted);
    data.put("extents", result.extents().size());

    List<String> missing = new ArrayList<>();
    List<String> created = new ArrayList<>();
    for (String dir : result.directories(db.dir())) {
      HostFiles files = files(ctx);
      if (files.isDirectory(dir)) {
        continue;
      }
      if (files.exists(dir)) {
        return new TaskResult.Failed(
            ctx.host() + ": " + dir + " (named in " + target + ") exists but is not a directory",
            data);
      }
      missing.add(dir);
    }
    boolean createDirs = args.bool("create_dirs", false);
    if (!missing.isEmpty() && !createDirs) {
      data.put("missing_dirs", missing);
      return new TaskResult.Failed(
          ctx.host()
              + ": directories named in the structure are missing: "
              + String.join(", ", missing)
              + " (create them, or set create_dirs: true); "
              + target
              + " not written",
          data);
    }
    Optional<String> current = readText(ctx, target);
    boolean same = current.isPresent() && current.get().equals(wanted);
    if (same && missing.isEmpty()) {
      return new TaskResult.Ok(target + " already has this structure (from " + origin + ")", data);
    }
    if (args.bool("check_only", false)) {
      // A pre-flight: proves the structure can be written here before anything else changes.
      return new TaskResult.Ok(
          "can write "
              + target
              + " from "
              + origin
              + (missing.isEmpty() ? "" : " (would create " + String.join(", ", missing) + ")"),
          data);
    }
    if (ctx.checkMode()) {
      return new TaskResult.Changed(
          "check mode: would write "
              + target
              + " from "
              + origin
              + (missing.isEmpty() ? "" : " and create " + missing),
          data);
    }
    for (String dir : missing) {
      files(ctx).mkdirs(dir);
      created.add(dir);
    }
    if (!created.isEmpty()) {
      data.put("created_dirs", created);
    }
    if (!same) {
      writeText(ctx, target, wanted);
    }
    return new TaskResult.Changed(
        (same ? target + " unchanged" : "wrote " + target + " from " + origin)
            + (created.isEmpty() ? "" : "; created " + String.join(", ", created)),
        data);
  }

  /** {@code prostrct list} on the source host into a private temp dir, read back, cleaned up. */
  private static Optional<String> listOnSource(
      ModuleContext ctx, String fromHost, DbPath from, Map<String, Object> data) throws Exception {
    Remote source = ctx.remoteOf(fromHost);
    Utilities oe = new Utilities(source::exec, ctx.varsOf(fromHost));
    ExecResult tmp = source.exec("mktemp -d", dev.baton.ssh.ExecOptions.DEFAULT);
    if (!tmp.ok() || tmp.stdout().isBlank()) {
      data.put("error", fromHost + ": mktemp -d failed: " + tmp.stderr().strip());
      return Optional.empty();
    }
    String dir = tmp.stdout().strip();
    String file = dir + "/" + from.name() + ".st";
    try {
      Utilities.Run r = oe.run(from, "prostrct", "list", from.name(), file);
      data.put("source_command", r.commandLine());
      Optional<FileStat> st = source.files().stat(file);
      if (r.hasMessage(6921) || st.isEmpty()) {
        data.put("error", "structure of the source not listed: " + r.failure(fromHost));
        return Optional.empty();
      }
      try (InputStream in = source.files().openRead(file, 0)) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } finally {
      source.exec("rm -rf -- " + ShellQuote.quote(dir), dev.baton.ssh.ExecOptions.DEFAULT);
    }
  }
}

package dev.baton.modules;

import dev.baton.core.TextFiles;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.template.TemplateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ansible's {@code template}: renders a Jinja file of the jump host (the playbook's {@code
 * templates/}, then its directory) with the host's variables, there, as Ansible's action plugin
 * does, then writes the text to {@code dest} exactly as {@code copy} writes {@code content}: only
 * when it differs, with {@code mode}, {@code owner}, {@code group}, {@code backup}, {@code
 * validate}.
 */
final class Template implements Module {
  private final Copy copy = new Copy();

  @Override
  public String name() {
    return "template";
  }

  @Override
  public ArgSpec args() {
    Map<String, ArgSpec.Param> p = new LinkedHashMap<>();
    p.put("src", ArgSpec.required(Type.STRING));
    p.put("dest", ArgSpec.required(Type.PATH));
    p.put("mode", ArgSpec.optional(Type.ANY, null));
    p.put("owner", ArgSpec.optional(Type.STRING, null));
    p.put("group", ArgSpec.optional(Type.STRING, null));
    p.put("backup", ArgSpec.optional(Type.BOOL, false));
    p.put("force", ArgSpec.optional(Type.BOOL, true));
    p.put("validate", ArgSpec.optional(Type.STRING, null));
    return ArgSpec.of(p);
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    try {
      Args a = Args.of(this, args);
      String src = a.required("src");
      Path file = ctx.searchPath().find("templates", src).filter(Files::isRegularFile).orElse(null);
      if (file == null) {
        throw a.bad(
            "could not find or access '"
                + src
                + "' (looked in "
                + ctx.searchPath().looked("templates", src)
                + ")");
      }
      String text;
      try {
        text = TextFiles.read(file);
      } catch (IOException e) {
        throw a.bad(file + ": " + e.getMessage());
      }
      String rendered;
      try {
        rendered = ctx.render(text);
      } catch (TemplateException e) {
        throw a.bad(file + ": " + e.getMessage());
      }
      Map<String, Object> copyArgs = new LinkedHashMap<>(args);
      copyArgs.remove("src");
      copyArgs.put("content", rendered);
      TaskResult r = copy.run(ctx, copyArgs);
      Map<String, Object> data = new LinkedHashMap<>(r.data());
      data.put("src", file.toString());
      return withData(r, data);
    } catch (TaskFailure f) {
      return f.toResult(name());
    }
  }

  /** The same kind of result with other data; a failure speaks as template, not copy. */
  private static TaskResult withData(TaskResult r, Map<String, Object> data) {
    if (r instanceof TaskResult.Changed) {
      return new TaskResult.Changed(r.msg(), data);
    } else if (r instanceof TaskResult.Ok) {
      return new TaskResult.Ok(r.msg(), data);
    } else if (r instanceof TaskResult.Failed) {
      return new TaskResult.Failed(r.msg().replaceFirst("^copy: ", "template: "), data);
    }
    return r;
  }
}

package dev.baton.template;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.baton.core.SearchPath;
import dev.baton.core.TextFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Ansible's {@code lookup()} and {@code query()} / {@code q()} for the plugins {@code env}, {@code
 * file}, {@code pipe}, {@code vars} and {@code items}. As in Ansible they run on the jump host,
 * where baton runs: {@code file} reads the controller's file (the playbook's {@code files/}, then
 * its directory; vaulted files decrypted), {@code pipe} runs a command there. {@code lookup} joins
 * several results with commas, {@code query} returns the list. Another plugin is an error naming
 * it, never an empty string.
 */
final class Lookups {
  private Lookups() {}

  static void registerAll(Context context) {
    for (String name : List.of("lookup", "query", "q")) {
      context.registerFunction(
          new ELFunctionDefinition(
              "",
              name,
              Lookups.class,
              name.equals("lookup") ? "lookup" : "query",
              String.class,
              Object[].class));
    }
  }

  public static Object lookup(String plugin, Object... terms) {
    List<Object> results = query(plugin, terms);
    if (plugin.equals("items") || plugin.equals("vars") && results.size() == 1) {
      return plugin.equals("items") ? results : results.get(0);
    }
    List<String> texts = new ArrayList<>();
    results.forEach(r -> texts.add(PythonText.str(r)));
    return String.join(",", texts);
  }

  public static List<Object> query(String plugin, Object... terms) {
    List<Object> out = new ArrayList<>();
    for (Object t : terms == null ? new Object[0] : terms) {
      if (plugin.equals("items")) {
        if (t instanceof List<?> l) {
          out.addAll(l);
        } else {
          out.add(t);
        }
        continue;
      }
      String term = PythonText.str(t);
      switch (plugin) {
        case "env" -> {
          String v = System.getenv(term);
          out.add(v == null ? "" : v);
        }
        case "file" -> out.add(file(term));
        case "pipe" -> out.add(pipe(term));
        case "vars" -> out.add(variable(term));
        default ->
            throw new AnsibleFilters.FilterError(
                "lookup plugin '"
                    + plugin
                    + "' is not one baton has (env, file, pipe, vars, items)");
      }
    }
    return out;
  }

  private static Path playbookDir() {
    Object d = JinjavaInterpreter.getCurrent().getContext().get("playbook_dir");
    return Path.of(d == null ? "." : d.toString());
  }

  /** The task's search path: its role's directory (role_path) first, then playbook_dir. */
  private static SearchPath searchPath() {
    Object r = JinjavaInterpreter.getCurrent().getContext().get("role_path");
    return new SearchPath(Optional.ofNullable(r).map(o -> Path.of(o.toString())), playbookDir());
  }

  private static String file(String term) {
    for (Path c : searchPath().candidates("files", term)) {
      if (Files.isRegularFile(c)) {
        try {
          return TextFiles.read(c).stripTrailing();
        } catch (IOException e) {
          throw new AnsibleFilters.FilterError("lookup file " + c + ": " + e.getMessage());
        }
      }
    }
    throw new AnsibleFilters.FilterError("could not locate file in lookup: " + term);
  }

  private static String pipe(String command) {
    try {
      Process p =
          new ProcessBuilder("/bin/sh", "-c", command)
              .directory(playbookDir().toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AnsibleFilters.FilterError("lookup pipe(" + command + ") timed out after 300 s");
      }
      if (p.exitValue() != 0) {
        throw new AnsibleFilters.FilterError(
            "lookup_plugin.pipe(" + command + ") returned " + p.exitValue());
      }
      return new String(out, StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException e) {
      throw new AnsibleFilters.FilterError("lookup pipe(" + command + "): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AnsibleFilters.FilterError("lookup pipe(" + command + "): interrupted");
    }
  }

  private static Object variable(String name) {
    Object v = JinjavaInterpreter.getCurrent().retraceVariable(name, 0, 0);
    if (v instanceof Undefined u) {
      throw u.use();
    }
    return v;
  }
}

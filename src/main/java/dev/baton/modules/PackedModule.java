package dev.baton.modules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.ShellQuote;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An Ansible module run as Ansible runs it, without Ansible's controller: the module and the
 * module_utils it may import travel in one zip on the command's stdin with the arguments; a short
 * Python bootstrap on the host writes the zip into a private temporary directory ({@code
 * tempfile.mkdtemp}, mode 0700), hands the arguments to {@code ansible.module_utils.basic} as
 * AnsiballZ does ({@code _ANSIBLE_ARGS}), runs the module as {@code __main__} and removes the
 * directory. The module's JSON result becomes the task's: {@code failed}, {@code skipped}, {@code
 * changed}, {@code msg} and every other key (rc, stdout, diff, ansible_facts, warnings).
 *
 * <p>One SSH exec per task (Ansible's pipelining does the same). The arguments never appear on a
 * command line: they may hold secrets. The interpreter is {@code ansible_python_interpreter}, else
 * the first of python3 on PATH, /usr/bin/python3, /usr/libexec/platform-python, /usr/bin/python.
 */
final class PackedModule implements Module {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads [8-byte zip length][zip][arguments JSON] from stdin; see the class comment. */
  private static final String BOOTSTRAP =
      String.join(
          "\n",
          "import os, runpy, shutil, struct, sys, tempfile",
          "d = sys.stdin.buffer.read()",
          "n = struct.unpack('>Q', d[:8])[0]",
          "t = tempfile.mkdtemp(prefix='baton_')",
          "try:",
          "    p = os.path.join(t, 'module.zip')",
          "    with open(p, 'wb') as f:",
          "        f.write(d[8:8 + n])",
          "    sys.path.insert(0, p)",
          "    import ansible.module_utils.basic as basic",
          "    basic._ANSIBLE_ARGS = d[8 + n:]",
          "    m = sys.argv[1]",
          "    runpy.run_module(m, init_globals=dict(_module_fqn=m, _modlib_path=p),"
              + " run_name='__main__', alter_sys=True)",
          "finally:",
          "    shutil.rmtree(t, True)");

  private static final String FIND_PYTHON =
      "for p in \"$(command -v python3)\" /usr/bin/python3 /usr/libexec/platform-python"
          + " /usr/bin/python; do [ -n \"$p\" ] && [ -x \"$p\" ] && exec \"$p\" -c "
          + ShellQuote.quote(BOOTSTRAP)
          + " @FQN@; done; echo 'baton: no Python on this host for the Ansible module"
          + " (set ansible_python_interpreter)' >&2; exit 127";

  private final String name;
  private final String fqn;
  private final Supplier<byte[]> zip;

  PackedModule(String name, String fqn, Supplier<byte[]> zip) {
    this.name = name;
    this.fqn = fqn;
    this.zip = zip;
  }

  @Override
  public String name() {
    return name;
  }

  /** Any arguments: the module checks them against its own argument_spec on the host. */
  @Override
  public ArgSpec args() {
    return new ArgSpec(Map.of(), false, true, List.of());
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    Map<String, Object> moduleArgs = new LinkedHashMap<>(args);
    moduleArgs.put("_ansible_check_mode", ctx.checkMode());
    moduleArgs.put("_ansible_no_log", false);
    moduleArgs.put("_ansible_debug", false);
    moduleArgs.put("_ansible_diff", false);
    moduleArgs.put("_ansible_verbosity", 0);
    moduleArgs.put("_ansible_version", "2.14.18");
    moduleArgs.put("_ansible_module_name", name);
    moduleArgs.put("_ansible_syslog_facility", "LOG_USER");
    moduleArgs.put(
        "_ansible_selinux_special_fs", List.of("fuse", "nfs", "vboxsf", "ramfs", "9p", "vfat"));
    moduleArgs.put("_ansible_string_conversion_action", "warn");
    moduleArgs.put("_ansible_shell_executable", "/bin/sh");
    moduleArgs.put("_ansible_keep_remote_files", false);
    moduleArgs.put("_ansible_remote_tmp", "~/.ansible/tmp");
    moduleArgs.put("_ansible_tmpdir", null);
    byte[] argsJson = JSON.writeValueAsBytes(Map.of("ANSIBLE_MODULE_ARGS", moduleArgs));
    byte[] z = zip.get();
    ByteArrayOutputStream in = new ByteArrayOutputStream(z.length + argsJson.length + 8);
    in.write(ByteBuffer.allocate(8).putLong(z.length).array());
    in.write(z);
    in.write(argsJson);

    Object interpreter = ctx.vars().get("ansible_python_interpreter");
    String command =
        interpreter == null
                || interpreter.toString().isBlank()
                || interpreter.toString().startsWith("auto")
            ? FIND_PYTHON.replace("@FQN@", ShellQuote.quote(fqn))
            : ShellQuote.quote(interpreter.toString())
                + " -c "
                + ShellQuote.quote(BOOTSTRAP)
                + " "
                + ShellQuote.quote(fqn);
    ExecResult r = ctx.exec(command, ExecOptions.DEFAULT.withStdin(in.toByteArray()));
    return result(r);
  }

  /**
   * The module's JSON (the text between its first '{' line and last '}' line, as Ansible reads).
   */
  @SuppressWarnings("unchecked")
  TaskResult result(ExecResult r) {
    Map<String, Object> res = null;
    String out = r.stdout();
    int start = -1;
    int end = -1;
    List<String> lines = out.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (start < 0 && lines.get(i).startsWith("{")) {
        start = i;
      }
      if (lines.get(i).stripTrailing().endsWith("}")) {
        end = i;
      }
    }
    if (start >= 0 && end >= start) {
      try {
        res = JSON.readValue(String.join("\n", lines.subList(start, end + 1)), Map.class);
      } catch (JsonProcessingException e) {
        res = null;
      }
    }
    if (res == null) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("rc", r.exitCode());
      data.put("module_stdout", out);
      data.put("module_stderr", r.stderr());
      String err = r.stderr().strip();
      return new TaskResult.Failed(
          name
              + ": MODULE FAILURE (exit "
              + r.exitCode()
              + ")"
              + (err.isEmpty() ? "" : ": " + err.lines().reduce((a, b) -> b).orElse("")),
          data);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    res.forEach(
        (k, v) -> {
          if (!k.startsWith("_ansible_") && !k.equals("invocation")) {
            data.put(k, v);
          }
        });
    String msg = res.get("msg") == null ? "" : String.valueOf(res.get("msg"));
    if (Boolean.TRUE.equals(res.get("failed"))) {
      return new TaskResult.Failed(msg.isEmpty() ? name + " failed" : msg, data);
    }
    if (Boolean.TRUE.equals(res.get("skipped"))) {
      return new TaskResult.Skipped(msg, data);
    }
    return Boolean.TRUE.equals(res.get("changed"))
        ? new TaskResult.Changed(msg, data)
        : new TaskResult.Ok(msg, data);
  }
}

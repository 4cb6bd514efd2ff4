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
 * An Ansible module run as Ansible runs it, without Ansible's controller. Ansible's module_utils
 * (the {@link Library}) are unpacked once per host and user into {@code
 * ~/.ansible/tmp/baton-modules/DIGEST/} (made in a private {@code mkdtemp} directory, mode 0700,
 * then renamed into place), where Python keeps their compiled form; each task sends only the
 * module's source and its arguments on the command's stdin (never on a command line: they may hold
 * secrets). A short Python bootstrap puts the module beside the library, hands the arguments to
 * {@code ansible.module_utils.basic} as AnsiballZ does ({@code _ANSIBLE_ARGS}) and runs the module
 * as {@code __main__}. When the library is not there (a first task, a cleaned home) the bootstrap
 * exits {@value #NO_LIBRARY} and the task is sent again with the library. The module's JSON result
 * becomes the task's: {@code failed}, {@code skipped}, {@code changed}, {@code msg} and every other
 * key (rc, stdout, diff, ansible_facts, warnings).
 *
 * <p>One SSH exec per task, as Ansible with pipelining. The interpreter is {@code
 * ansible_python_interpreter}, else the first of python3 on PATH, /usr/bin/python3,
 * /usr/libexec/platform-python, /usr/bin/python.
 */
final class PackedModule implements Module {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The bootstrap's exit code when the host lacks the library and none was sent. */
  static final int NO_LIBRARY = 99;

  /** A module library: the zip and its SHA-256, which names its directory on the hosts. */
  record Library(byte[] zip, String sha256) {
    static Library of(byte[] zip) {
      try {
        return new Library(
            zip,
            java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(zip)));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JVM has no SHA-256", e);
      }
    }
  }

  /**
   * stdin: [8-byte library length N][library zip, or nothing][8-byte module length M][module
   * source][arguments JSON]; argv: module name, library digest, the module's path in the library.
   */
  private static final String BOOTSTRAP =
      String.join(
          "\n",
          "import io, os, pwd, runpy, shutil, struct, sys, tempfile, zipfile",
          // The library's compiled form is the point of keeping it: whatever the environment says.
          "sys.dont_write_bytecode = False",
          "m, sha, rel = sys.argv[1], sys.argv[2], sys.argv[3]",
          "d = sys.stdin.buffer.read()",
          "n = struct.unpack('>Q', d[:8])[0]",
          "k = struct.unpack('>Q', d[8 + n:16 + n])[0]",
          "src, args = d[16 + n:16 + n + k], d[16 + n + k:]",
          "base = os.path.join(pwd.getpwuid(os.geteuid()).pw_dir, '.ansible', 'tmp',"
              + " 'baton-modules')",
          "lib = os.path.join(base, sha)",
          "if not os.path.isdir(lib):",
          "    if n == 0:",
          "        sys.stderr.write('baton: no module library ' + sha + '\\n')",
          "        sys.exit(" + NO_LIBRARY + ")",
          "    os.makedirs(base, mode=0o700, exist_ok=True)",
          "    t = tempfile.mkdtemp(prefix='.new-', dir=base)",
          "    zipfile.ZipFile(io.BytesIO(d[8:8 + n])).extractall(t)",
          "    try:",
          "        os.rename(t, lib)",
          "    except OSError:",
          "        shutil.rmtree(t, True)",
          "f = os.path.join(lib, rel)",
          "try:",
          "    same = open(f, 'rb').read() == src",
          "except OSError:",
          "    same = False",
          "if not same:",
          "    os.makedirs(os.path.dirname(f), exist_ok=True)",
          "    t = f + '.' + str(os.getpid())",
          "    with open(t, 'wb') as w:",
          "        w.write(src)",
          "    os.replace(t, f)",
          "sys.path.insert(0, lib)",
          "import ansible.module_utils.basic as basic",
          "basic._ANSIBLE_ARGS = args",
          "runpy.run_module(m, init_globals=dict(_module_fqn=m, _modlib_path=lib),"
              + " run_name='__main__', alter_sys=True)");

  private static final String FIND_PYTHON =
      "for p in \"$(command -v python3)\" /usr/bin/python3 /usr/libexec/platform-python"
          + " /usr/bin/python; do [ -n \"$p\" ] && [ -x \"$p\" ] && exec \"$p\" -c "
          + ShellQuote.quote(BOOTSTRAP)
          + " @ARGS@; done; echo 'baton: no Python on this host for the Ansible module"
          + " (set ansible_python_interpreter)' >&2; exit 127";

  /** The hosts (and users) known to hold a library, by "host user digest". */
  private static final java.util.Set<String> HELD =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final String name;
  private final String fqn;
  private final String path;
  private final java.nio.file.Path source;
  private final Supplier<Library> library;
  private byte[] sourceBytes;

  PackedModule(
      String name, String fqn, String path, java.nio.file.Path source, Supplier<Library> library) {
    this.name = name;
    this.fqn = fqn;
    this.path = path;
    this.source = source;
    this.library = library;
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
    moduleArgs.put("_ansible_no_log", ctx.noLog());
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
    byte[] src = source();
    Library lib = library.get();
    Object interpreter = ctx.vars().get("ansible_python_interpreter");
    String argv =
        ShellQuote.quote(fqn) + " " + ShellQuote.quote(lib.sha256()) + " " + ShellQuote.quote(path);
    String command =
        interpreter == null
                || interpreter.toString().isBlank()
                || interpreter.toString().startsWith("auto")
            ? FIND_PYTHON.replace("@ARGS@", argv)
            : ShellQuote.quote(interpreter.toString())
                + " -c "
                + ShellQuote.quote(BOOTSTRAP)
                + " "
                + argv;
    Object user = ctx.vars().get("ansible_user");
    String held = ctx.target() + " " + user + " " + lib.sha256();
    boolean send = !HELD.contains(held);
    ExecResult r =
        ctx.exec(
            command, ExecOptions.DEFAULT.withStdin(stdin(send ? lib.zip() : null, src, argsJson)));
    if (!send && r.exitCode() == NO_LIBRARY && r.stderr().contains("baton: no module library")) {
      r = ctx.exec(command, ExecOptions.DEFAULT.withStdin(stdin(lib.zip(), src, argsJson)));
    }
    if (r.exitCode() != NO_LIBRARY) {
      HELD.add(held);
    }
    return result(r);
  }

  /** The module's source, read once per run like the library (not once per task and host). */
  private synchronized byte[] source() throws java.io.IOException {
    if (sourceBytes == null) {
      sourceBytes = java.nio.file.Files.readAllBytes(source);
    }
    return sourceBytes;
  }

  private static byte[] stdin(byte[] lib, byte[] src, byte[] args) {
    int n = lib == null ? 0 : lib.length;
    ByteArrayOutputStream in = new ByteArrayOutputStream(16 + n + src.length + args.length);
    in.writeBytes(ByteBuffer.allocate(8).putLong(n).array());
    if (lib != null) {
      in.writeBytes(lib);
    }
    in.writeBytes(ByteBuffer.allocate(8).putLong(src.length).array());
    in.writeBytes(src);
    in.writeBytes(args);
    return in.toByteArray();
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

package dev.baton.modules;

import dev.baton.modules.ArgSpec.Type;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Ansible's {@code wait_for}: waits until a TCP port opens or closes, or a file appears (holding
 * {@code search_regex}) or disappears. Like Ansible, every check runs on the host itself, so {@code
 * host: 127.0.0.1} means the host's own loopback. Ports are probed with bash's {@code /dev/tcp},
 * else with {@code nc -z}; a host with neither fails at once with that reason.
 */
final class WaitFor implements Module {
  private static final int NO_PROBE_TOOL = 127;

  @Override
  public String name() {
    return "wait_for";
  }

  @Override
  public ArgSpec args() {
    return new ArgSpec(
        Map.ofEntries(
            Map.entry("host", ArgSpec.optional(Type.STRING, "127.0.0.1")),
            Map.entry("port", ArgSpec.optional(Type.INT, null)),
            Map.entry("path", ArgSpec.optional(Type.PATH, null)),
            Map.entry("search_regex", ArgSpec.optional(Type.STRING, null)),
            Map.entry("state", ArgSpec.optional(Type.STRING, "started")),
            Map.entry("delay", ArgSpec.optional(Type.INT, 0)),
            Map.entry("timeout", ArgSpec.optional(Type.INT, 300)),
            Map.entry("sleep", ArgSpec.optional(Type.INT, 1)),
            Map.entry("connect_timeout", ArgSpec.optional(Type.INT, 5)),
            Map.entry("msg", ArgSpec.optional(Type.STRING, null))),
        false,
        false,
        List.<Set<String>>of());
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    try {
      Args a = Args.of(this, args);
      String host = a.str("host", "127.0.0.1");
      String path = a.str("path");
      Long port = a.has("port") ? a.integer("port", 0) : null;
      String state = a.str("state", "started");
      double delay = a.number("delay", 0);
      double timeout = a.number("timeout", 300);
      double sleep = Math.max(0.05, a.number("sleep", 1));
      long connectTimeout = Math.max(1, a.integer("connect_timeout", 5));
      String regex = a.str("search_regex");
      if (!List.of("started", "present", "stopped", "absent", "drained").contains(state)) {
        throw a.bad(
            "state must be one of started, present, stopped, absent, drained, not " + state);
      }
      if (state.equals("drained")) {
        throw a.bad("state=drained is not supported");
      }
      if (port != null && path != null) {
        throw a.bad("port and path are mutually exclusive");
      }
      if (port != null && regex != null) {
        throw a.bad("search_regex on a port is not supported; use it with path");
      }
      Pattern pattern = null;
      if (regex != null) {
        try {
          pattern = Pattern.compile(regex, Pattern.MULTILINE);
        } catch (PatternSyntaxException e) {
          throw a.bad("search_regex is not a valid regular expression: " + e.getDescription());
        }
      }
      boolean wantPresent = state.equals("started") || state.equals("present");
      long start = System.nanoTime();
      pause(delay);
      Map<String, Object> d = TaskResult.data("state", state);
      if (port != null) {
        d.put("host", host);
        d.put("port", port);
      }
      if (path != null) {
        d.put("path", path);
      }
      if (regex != null) {
        d.put("search_regex", regex);
      }
      if (port == null && path == null) {
        pause(timeout - seconds(start));
        d.put("elapsed", (long) seconds(start));
        return new TaskResult.Ok("waited " + (long) seconds(start) + "s", d);
      }
      String label =
          "wait_for " + (port != null ? host + ":" + port : path) + (wantPresent ? "" : " gone");
      while (true) {
        boolean reached;
        if (port != null) {
          reached = portOpen(ctx, host, port, connectTimeout) == wantPresent;
        } else if (!wantPresent) {
          reached = !exists(ctx, path);
        } else {
          reached = exists(ctx, path) && (pattern == null || search(ctx, path, pattern, d));
        }
        double elapsed = seconds(start);
        if (reached) {
          d.put("elapsed", (long) elapsed);
          return new TaskResult.Ok(label + " after " + (long) elapsed + "s", d);
        }
        if (elapsed >= timeout) {
          String msg =
              a.has("msg") ? a.str("msg") : timeoutMessage(host, port, path, regex, wantPresent);
          d.put("elapsed", (long) elapsed);
          d.put("msg", msg);
          return new TaskResult.Failed(msg, d);
        }
        ctx.progress().update(label, (long) elapsed, (long) timeout, "s");
        pause(Math.min(sleep, timeout - elapsed));
      }
    } catch (TaskFailure f) {
      return f.toResult(name());
    }
  }

  private static String timeoutMessage(
      String host, Long port, String path, String regex, boolean present) {
    if (port != null) {
      return "Timeout when waiting for " + host + ":" + port + (present ? "" : " to stop.");
    }
    if (!present) {
      return "Timeout when waiting for " + path + " to be absent.";
    }
    return regex == null
        ? "Timeout when waiting for file " + path
        : "Timeout when waiting for search string " + regex + " in " + path;
  }

  private static boolean portOpen(ModuleContext ctx, String host, long port, long connectTimeout)
      throws RemoteException, TaskFailure {
    String h = ShellQuote.quote(host);
    String p = ShellQuote.quote(String.valueOf(port));
    String t = String.valueOf(connectTimeout);
    // Host and port reach bash as positional parameters, never as part of its script.
    String bashProbe = "bash -c 'exec 3<>\"/dev/tcp/$0/$1\"' " + h + " " + p + " 2>/dev/null";
    String line =
        "if command -v bash >/dev/null 2>&1; then"
            + " if command -v timeout >/dev/null 2>&1; then timeout "
            + t
            + " "
            + bashProbe
            + "; else "
            + bashProbe
            + "; fi;"
            + " elif command -v nc >/dev/null 2>&1; then nc -z -w "
            + t
            + " "
            + h
            + " "
            + p
            + " 2>/dev/null;"
            + " else echo 'wait_for needs bash or nc on the host to probe ports' >&2; exit "
            + NO_PROBE_TOOL
            + "; fi";
    var r = ctx.exec(line);
    if (r.exitCode() == NO_PROBE_TOOL) {
      throw new TaskFailure("wait_for: " + ctx.host() + ": " + r.stderr().strip());
    }
    return r.ok();
  }

  private static boolean exists(ModuleContext ctx, String path) throws RemoteException {
    String q = ShellQuote.quote(path);
    return ctx.exec("test -e " + q).ok();
  }

  /** Scans the file line by line (streamed, as logs can be large) for the pattern. */
  private static boolean search(
      ModuleContext ctx, String path, Pattern pattern, Map<String, Object> d)
      throws RemoteException, TaskFailure {
    try (InputStream in = ctx.remote().files().openRead(path, 0)) {
      return scan(
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), pattern, d);
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      if (!PathInfo.permissionDenied(e)) {
        throw PathInfo.unwrap(e, "wait_for: cannot read " + path);
      }
    }
    // Readable only by the become user: read it through a command instead.
    var r = ctx.exec("cat -- " + ShellQuote.quote(path));
    if (!r.ok()) {
      throw new TaskFailure("wait_for: cannot read " + path + ": " + r.stderr().strip());
    }
    try {
      return scan(new BufferedReader(new StringReader(r.stdout())), pattern, d);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("reading a string cannot fail", e);
    }
  }

  private static boolean scan(BufferedReader reader, Pattern pattern, Map<String, Object> d)
      throws IOException {
    for (String line; (line = reader.readLine()) != null; ) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        List<String> groups = new ArrayList<>();
        for (int i = 1; i <= m.groupCount(); i++) {
          groups.add(m.group(i));
        }
        d.put("match_groups", groups);
        return true;
      }
    }
    return false;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void pause(double seconds) throws InterruptedException {
    if (seconds > 0) {
      Thread.sleep(Duration.ofMillis((long) (seconds * 1000)).toMillis());
    }
  }
}

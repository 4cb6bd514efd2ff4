package dev.baton.modules;

import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code command} and {@code shell} share: the {@code creates}/{@code removes} guards, check
 * mode, {@code chdir}, {@code stdin}, and Ansible's result data (rc, stdout, stderr, their _lines,
 * cmd, start, end, delta).
 */
final class CommandRun {
  /** The arguments Ansible also accepts inline in a free-form line ({@code chdir=/tmp ls}). */
  private static final Pattern INLINE =
      Pattern.compile(
          "(chdir|creates|removes|executable|stdin|stdin_add_newline|strip_empty_ends)=(.*)",
          Pattern.DOTALL);

  private CommandRun() {}

  /** The guards and options of one run, after inline arguments were taken out of the line. */
  record Options(
      String chdir,
      String creates,
      String removes,
      String stdin,
      boolean stdinAddNewline,
      boolean stripEmptyEnds,
      String executable) {}

  /**
   * Splits Ansible's inline {@code key=value} options off a free-form line. The line is returned
   * untouched (newlines and spacing kept) unless it holds such an option.
   */
  static Map.Entry<String, Map<String, Object>> inlineOptions(String raw) throws TaskFailure {
    List<String> kept = new ArrayList<>();
    Map<String, Object> found = new java.util.LinkedHashMap<>();
    for (String token : rawTokens(raw)) {
      Matcher m = INLINE.matcher(token);
      if (m.matches()) {
        List<String> value = Args.shellWords(m.group(2));
        found.put(m.group(1), value.isEmpty() ? "" : value.get(0));
      } else {
        kept.add(token);
      }
    }
    return Map.entry(found.isEmpty() ? raw : String.join(" ", kept), found);
  }

  /** Whitespace-separated words with their quotes kept, so the rest of a line can be rebuilt. */
  private static List<String> rawTokens(String raw) {
    List<String> tokens = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (quote != 0) {
        cur.append(c);
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < raw.length()) {
          cur.append(raw.charAt(++i));
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        cur.append(c);
      } else if (c == '\\' && i + 1 < raw.length()) {
        cur.append(c).append(raw.charAt(++i));
      } else if (Character.isWhitespace(c)) {
        if (cur.length() > 0) {
          tokens.add(cur.toString());
          cur.setLength(0);
        }
      } else {
        cur.append(c);
      }
    }
    if (cur.length() > 0) {
      tokens.add(cur.toString());
    }
    return tokens;
  }

  static Options options(Args a) throws TaskFailure {
    return new Options(
        a.str("chdir"),
        a.str("creates"),
        a.str("removes"),
        a.str("stdin"),
        a.bool("stdin_add_newline", true),
        a.bool("strip_empty_ends", true),
        a.str("executable"));
  }

  /**
   * Runs {@code line} (already quoted) unless a guard says it is not needed.
   *
   * @param cmd what the result reports as {@code cmd}: the argv list for command, the line for
   *     shell
   */
  static TaskResult run(ModuleContext ctx, String line, Object cmd, Options o)
      throws RemoteException {
    if (o.creates() != null) {
      String p = resolve(o.creates(), o.chdir());
      if (exists(ctx, p)) {
        return skippedByGuard(cmd, "Did not run command since '" + p + "' exists", p, true);
      }
    }
    if (o.removes() != null) {
      String p = resolve(o.removes(), o.chdir());
      if (!exists(ctx, p)) {
        return skippedByGuard(
            cmd, "Did not run command since '" + p + "' does not exist", p, false);
      }
    }
    if (ctx.checkMode()) {
      String msg = "Command would have run if not in check mode";
      Map<String, Object> d = TaskResult.data("cmd", cmd, "rc", 0, "msg", msg);
      if (o.creates() == null && o.removes() == null) {
        return new TaskResult.Skipped(msg, d);
      }
      return new TaskResult.Changed(msg, d);
    }
    String full = o.chdir() == null ? line : "cd " + ShellQuote.quote(o.chdir()) + " && " + line;
    ExecOptions opts = ExecOptions.DEFAULT;
    if (o.stdin() != null) {
      String in = o.stdin() + (o.stdinAddNewline() && !o.stdin().endsWith("\n") ? "\n" : "");
      opts = opts.withStdin(in.getBytes(StandardCharsets.UTF_8));
    }
    LocalDateTime start = LocalDateTime.now();
    ExecResult r = ctx.exec(full, opts);
    LocalDateTime end = LocalDateTime.now();
    String out = o.stripEmptyEnds() ? stripEnds(r.stdout()) : r.stdout();
    String err = o.stripEmptyEnds() ? stripEnds(r.stderr()) : r.stderr();
    Map<String, Object> d = new java.util.LinkedHashMap<String, Object>();
    d.put("cmd", cmd);
    d.put("rc", r.exitCode());
    d.put("stdout", out);
    d.put("stderr", err);
    d.put("stdout_lines", lines(out));
    d.put("stderr_lines", lines(err));
    d.put("start", stamp(start));
    d.put("end", stamp(end));
    d.put("delta", delta(Duration.between(start, end)));
    if (r.exitCode() != 0) {
      d.put("msg", "non-zero return code");
      d.put("changed", true); // as Ansible's command reports it: the command ran
      return new TaskResult.Failed(
          "non-zero return code "
              + r.exitCode()
              + " from "
              + shown(cmd)
              + tail(err.isEmpty() ? out : err),
          d);
    }
    d.put("msg", "");
    return new TaskResult.Changed("", d);
  }

  private static TaskResult skippedByGuard(Object cmd, String msg, String path, boolean exists) {
    Map<String, Object> d =
        TaskResult.data(
            "cmd",
            cmd,
            "rc",
            0,
            "stdout",
            "skipped, since " + path + (exists ? " exists" : " does not exist"),
            "stderr",
            "",
            "msg",
            msg);
    d.put("stdout_lines", List.of(d.get("stdout")));
    d.put("stderr_lines", List.of());
    return new TaskResult.Ok(msg, d);
  }

  private static String resolve(String path, String chdir) {
    return path.startsWith("/") || chdir == null ? path : chdir.replaceAll("/+$", "") + "/" + path;
  }

  /**
   * True when the path exists. A glob in the last path component ({@code /var/run/app-*.pid})
   * matches as in Ansible; the pattern reaches the shell only through a quoted variable, whose
   * expansion is matched but never executed.
   */
  static boolean exists(ModuleContext ctx, String path) throws RemoteException {
    int slash = path.lastIndexOf('/');
    String base = path.substring(slash + 1);
    if (base.chars().noneMatch(c -> c == '*' || c == '?' || c == '[')) {
      return ctx.exec("test -e " + ShellQuote.quote(path) + " || test -h " + ShellQuote.quote(path))
          .ok();
    }
    String dir = slash < 0 ? "." : slash == 0 ? "/" : path.substring(0, slash);
    String script =
        "d="
            + ShellQuote.quote(dir)
            + "; p="
            + ShellQuote.quote(base)
            + "; for f in \"$d\"/* \"$d\"/.*; do case \"${f##*/}\" in $p) test -e \"$f\" && exit 0;;"
            + " esac; done; exit 1";
    return ctx.exec(script).ok();
  }

  static String stripEnds(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
      end--;
    }
    return s.substring(0, end);
  }

  static List<String> lines(String s) {
    return s.isEmpty() ? List.of() : List.of(s.split("\r?\n", -1));
  }

  // start, end and delta are written by hand, not by String.format or a DateTimeFormatter: in a
  // run of a few hundred tasks those are still interpreted, ~0.3 ms of every command task.

  /** Ansible's delta: {@code H:MM:SS.ffffff}. */
  static String delta(Duration d) {
    long micros = d.toNanos() / 1000;
    long secs = micros / 1_000_000;
    StringBuilder b = new StringBuilder(16).append(secs / 3600).append(':');
    return pad(
            pad(pad(b, (secs / 60) % 60, 2).append(':'), secs % 60, 2).append('.'),
            micros % 1_000_000,
            6)
        .toString();
  }

  /** Ansible's start and end: {@code yyyy-MM-dd HH:mm:ss.ffffff}, local time. */
  static String stamp(LocalDateTime t) {
    StringBuilder b = new StringBuilder(26);
    pad(b, t.getYear(), 4).append('-');
    pad(b, t.getMonthValue(), 2).append('-');
    pad(b, t.getDayOfMonth(), 2).append(' ');
    pad(b, t.getHour(), 2).append(':');
    pad(b, t.getMinute(), 2).append(':');
    pad(b, t.getSecond(), 2).append('.');
    return pad(b, t.getNano() / 1000, 6).toString();
  }

  private static StringBuilder pad(StringBuilder b, long value, int width) {
    String digits = Long.toString(value);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(digits);
  }

  private static String shown(Object cmd) {
    String s =
        cmd instanceof List<?> l
            ? String.join(" ", l.stream().map(String::valueOf).toList())
            : String.valueOf(cmd);
    s = s.strip().replace('\n', ' ');
    return "`" + (s.length() > 120 ? s.substring(0, 120) + "..." : s) + "`";
  }

  private static String tail(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return "";
    }
    String last = t.substring(t.lastIndexOf('\n') + 1);
    return ": " + (last.length() > 200 ? last.substring(0, 200) + "..." : last);
  }
}

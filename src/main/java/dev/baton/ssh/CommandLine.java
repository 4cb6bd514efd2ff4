package dev.baton.ssh;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The line actually sent to a host's shell for one command: environment variables set by a quoted
 * prefix, and become through sudo. The caller's line is wrapped, never edited, so what it quoted
 * stays quoted.
 *
 * @param line what the host's shell runs
 * @param prompt sudo's password prompt, unique to this command (null without a become password)
 * @param ready printed on stdout once sudo let the command through (null without a password)
 */
record CommandLine(String line, String prompt, String ready) {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final SecureRandom RANDOM = new SecureRandom();

  static CommandLine of(String commandLine, ExecOptions options) {
    String line = withEnv(commandLine, options.env());
    Become become = options.become();
    if (become == null) {
      return new CommandLine(line, null, null);
    }
    String user = ShellQuote.quote(become.user());
    if (become.password() == null) {
      // -n: fail at once with "a password is required" rather than wait for one.
      return new CommandLine(
          "sudo -H -n -u " + user + " -- /bin/sh -c " + ShellQuote.quote(line), null, null);
    }
    String token = HexFormat.of().formatHex(randomBytes());
    String prompt = "[baton-sudo-" + token + "]";
    String ready = "BATON-BECOME-OK-" + token;
    String inner = "echo " + ready + "; " + line;
    return new CommandLine(
        "sudo -H -S -p "
            + ShellQuote.quote(prompt)
            + " -u "
            + user
            + " -- /bin/sh -c "
            + ShellQuote.quote(inner),
        prompt,
        ready);
  }

  /**
   * {@code A='x' B='y' /bin/sh -c '<line>'}: the prefix then applies to the whole line, pipes and
   * lists included, not only to its first command.
   */
  static String withEnv(String line, Map<String, String> env) {
    if (env.isEmpty()) {
      return line;
    }
    StringBuilder prefix = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (!ENV_NAME.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException(
            "environment variable name " + ShellQuote.quote(e.getKey()) + " is not valid");
      }
      prefix.append(e.getKey()).append('=').append(ShellQuote.quote(e.getValue())).append(' ');
    }
    return prefix + "/bin/sh -c " + ShellQuote.quote(line);
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Short form of the caller's command for messages: first line, at most 200 characters. */
  static String brief(String commandLine) {
    String first = commandLine.strip();
    int nl = first.indexOf('\n');
    if (nl >= 0) {
      first = first.substring(0, nl) + " ...";
    }
    return first.length() > 200 ? first.substring(0, 200) + "..." : first;
  }
}

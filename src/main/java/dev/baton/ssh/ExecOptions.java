package dev.baton.ssh;

import java.time.Duration;
import java.util.Map;

/**
 * How to run one command.
 *
 * @param stdin bytes fed to the command's standard input, then EOF (empty: EOF at once)
 * @param timeout how long the command may run; null means no limit
 * @param become run as another user through sudo; null means as the login user
 * @param env extra environment variables, set by prefixing the command line (quoted), because sshd
 *     drops most variables sent with the SSH {@code env} request
 */
public record ExecOptions(byte[] stdin, Duration timeout, Become become, Map<String, String> env) {
  public static final ExecOptions DEFAULT = new ExecOptions(new byte[0], null, null, Map.of());

  public ExecOptions {
    stdin = stdin == null ? new byte[0] : stdin;
    env = env == null ? Map.of() : Map.copyOf(env);
  }

  public ExecOptions withTimeout(Duration t) {
    return new ExecOptions(stdin, t, become, env);
  }

  public ExecOptions withStdin(byte[] in) {
    return new ExecOptions(in, timeout, become, env);
  }

  public ExecOptions withBecome(Become b) {
    return new ExecOptions(stdin, timeout, b, env);
  }

  public ExecOptions withEnv(Map<String, String> e) {
    return new ExecOptions(stdin, timeout, become, e);
  }
}

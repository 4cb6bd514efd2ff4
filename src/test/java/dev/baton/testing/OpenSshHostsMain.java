package dev.baton.testing;

import dev.baton.ssh.ShellQuote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The project's real OpenSSH hosts ({@link OpenSshHosts}) for shell scripts such as the benchmarks
 * under {@code bench/}, which cannot open a JUnit test.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:target/lib/* dev.baton.testing.OpenSshHostsMain \
 *     up 2 --state DIR [--trust]     # returns once DIR/ready exists; hosts stay up
 * . DIR/hosts.env                    # SSH_CONFIG, KNOWN_HOSTS, CLIENT_KEY, INVENTORY, HOSTS, ...
 * java ... OpenSshHostsMain down --state DIR
 * </pre>
 *
 * {@code up} forks nothing itself: the script runs it in the background ({@code &}) and waits for
 * {@code DIR/ready} (or for the process to die, which means the hosts did not start; the reason is
 * on stderr). The process keeps the hosts until {@code down} or SIGTERM/SIGINT, then removes
 * everything through {@link OpenSshHosts#close()} (its shutdown hook).
 *
 * <p>{@code DIR/inventory.ini} is the harness's inventory plus {@code baton_known_hosts_file}, so
 * both {@code baton play} and {@code ansible-playbook} use it unchanged (Ansible reads the key,
 * user and {@code ansible_ssh_common_args='-F ssh_config'}; baton reads the key, user and the
 * known_hosts file).
 */
public final class OpenSshHostsMain {
  private static final Duration DOWN_TIMEOUT = Duration.ofSeconds(60);

  private OpenSshHostsMain() {}

  public static void main(String[] args) throws Exception {
    try {
      System.exit(run(List.of(args)));
    } catch (IllegalArgumentException e) {
      System.err.println("OpenSshHostsMain: " + e.getMessage());
      System.err.println("usage: up N --state DIR [--trust] | down --state DIR");
      System.exit(2);
    }
  }

  private static int run(List<String> args) throws Exception {
    if (args.isEmpty()) {
      throw new IllegalArgumentException("no command");
    }
    Path state = Path.of(option(args, "--state"));
    return switch (args.get(0)) {
      case "up" -> up(count(args), state, args.contains("--trust"));
      case "down" -> down(state);
      default -> throw new IllegalArgumentException("unknown command " + args.get(0));
    };
  }

  private static int up(int count, Path state, boolean trust) throws Exception {
    Files.createDirectories(state);
    Files.deleteIfExists(state.resolve("ready"));
    OpenSshHosts lab;
    try {
      lab = OpenSshHosts.start(count);
    } catch (RuntimeException e) {
      // A skip (missing root/sshd) arrives as a JUnit abort; a script wants the line and an exit.
      System.err.println("OpenSshHostsMain: hosts did not start: " + e.getMessage());
      return 1;
    }
    // OpenSshHosts' own shutdown hook closes the lab on SIGTERM/SIGINT/exit.
    if (trust) {
      lab.letHostsSshToEachOther();
    }
    Files.copy(lab.sshConfig(), state.resolve("ssh_config"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(lab.knownHosts(), state.resolve("known_hosts"), StandardCopyOption.REPLACE_EXISTING);
    String inventory =
        Files.readString(lab.inventory())
            + "baton_known_hosts_file="
            + state.resolve("known_hosts")
            + "\n";
    Files.writeString(state.resolve("inventory.ini"), inventory);
    StringBuilder env = new StringBuilder("# Written by OpenSshHostsMain; source it.\n");
    env.append(var("STATE_PID", Long.toString(ProcessHandle.current().pid())));
    env.append(var("SSH_CONFIG", state.resolve("ssh_config").toString()));
    env.append(var("KNOWN_HOSTS", state.resolve("known_hosts").toString()));
    env.append(var("CLIENT_KEY", lab.clientKey().toString()));
    env.append(var("INVENTORY", state.resolve("inventory.ini").toString()));
    env.append(var("ISOLATED", Boolean.toString(lab.isolated())));
    env.append(var("GATEWAY", lab.gateway().getHostAddress()));
    env.append(
        var("HOSTS", String.join(" ", lab.hosts().stream().map(OpenSshHosts.Host::name).toList())));
    for (OpenSshHosts.Host h : lab.hosts()) {
      String p = h.name().toUpperCase(java.util.Locale.ROOT) + "_";
      env.append(var(p + "ADDRESS", h.address()));
      env.append(var(p + "PORT", Integer.toString(h.port())));
      env.append(var(p + "DATA_PATH", h.dataPath()));
      env.append(var(p + "DATA_DIR", h.dataDir().toString()));
    }
    Files.writeString(state.resolve("hosts.env"), env);
    Files.writeString(state.resolve("pid"), ProcessHandle.current().pid() + "\n");
    Files.writeString(state.resolve("ready"), lab.toString() + "\n");
    System.err.println("OpenSshHostsMain: " + lab + " up; state in " + state);
    new CountDownLatch(1).await(); // until SIGTERM/SIGINT; the hook then closes the lab
    return 0;
  }

  private static int down(Path state) throws Exception {
    Path pidFile = state.resolve("pid");
    if (!Files.exists(pidFile)) {
      System.err.println("OpenSshHostsMain: no hosts up under " + state + " (no pid file)");
      return 1;
    }
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isPresent() && p.get().info().command().orElse("").contains("java")) {
      p.get().destroy(); // SIGTERM: the lab's shutdown hook removes hosts, links, namespaces
      p.get().onExit().get(DOWN_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    }
    for (String f : List.of("pid", "ready", "hosts.env")) {
      Files.deleteIfExists(state.resolve(f));
    }
    return 0;
  }

  private static String var(String name, String value) {
    return name + "=" + ShellQuote.quote(value) + "\n";
  }

  private static String option(List<String> args, String name) {
    int i = args.indexOf(name);
    if (i < 0 || i + 1 >= args.size()) {
      throw new IllegalArgumentException(name + " DIR is required");
    }
    return args.get(i + 1);
  }

  private static int count(List<String> args) {
    try {
      return Integer.parseInt(args.get(1));
    } catch (IndexOutOfBoundsException | NumberFormatException e) {
      throw new IllegalArgumentException("up needs a host count, e.g. up 2 --state DIR");
    }
  }
}

package dev.baton.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach one inventory host over SSH. Values left empty (null, 0) come from {@code
 * ~/.ssh/config} and then from OpenSSH's defaults; values given here win over the config, as with
 * Ansible's {@code ansible_host}, {@code ansible_port}, {@code ansible_user}.
 *
 * <p>As with Ansible, which runs {@code ssh <ansible_host>}, the SSH config's {@code Host} patterns
 * are matched against {@code address} (or {@code name} when no address is given), and a matching
 * {@code HostName} replaces it.
 *
 * @param name the inventory name, used in every message
 * @param address host name, alias or IP to connect to (null: {@code name})
 * @param port TCP port (0: the config's Port, else 22)
 * @param user login user (null: the config's User, else the local user)
 * @param identityFiles private keys to offer, before the config's IdentityFile entries
 * @param password login password, a secret: never shown by {@link #toString()}
 * @param keyPassphrase passphrase of encrypted identity files, a secret
 * @param proxyJump {@code [user@]host[:port]} (comma separated for a chain) to hop through (null:
 *     the config's ProxyJump)
 * @param connectTimeout limit for TCP connect plus SSH handshake plus authentication
 * @param connectRetries extra attempts after an unreachable host or a connect timeout (never after
 *     an authentication or host key failure)
 */
public record HostSpec(
    String name,
    String address,
    int port,
    String user,
    List<Path> identityFiles,
    String password,
    String keyPassphrase,
    String proxyJump,
    Duration connectTimeout,
    int connectRetries) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_CONNECT_RETRIES = 2;

  public HostSpec {
    Objects.requireNonNull(name, "inventory name");
    identityFiles = identityFiles == null ? List.of() : List.copyOf(identityFiles);
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("host " + name + ": port " + port + " is out of range");
    }
    if (connectRetries < 0) {
      throw new IllegalArgumentException("host " + name + ": connect retries must not be negative");
    }
  }

  /** A host known only by its inventory name: everything else from the SSH config or defaults. */
  public static HostSpec of(String name) {
    return new HostSpec(
        name, null, 0, null, List.of(), null, null, null, null, DEFAULT_CONNECT_RETRIES);
  }

  public HostSpec withAddress(String a) {
    return new HostSpec(
        name,
        a,
        port,
        user,
        identityFiles,
        password,
        keyPassphrase,
        proxyJump,
        connectTimeout,
        connectRetries);
  }

  public HostSpec withPort(int p) {
    return new HostSpec(
        name,
        address,
        p,
        user,
        identityFiles,
        password,
        keyPassphrase,
        proxyJump,
        connectTimeout,
        connectRetries);
  }

  public HostSpec withUser(String u) {
    return new HostSpec(
        name,
        address,
        port,
        u,
        identityFiles,
        password,
        keyPassphrase,
        proxyJump,
        connectTimeout,
        connectRetries);
  }

  public HostSpec withIdentityFiles(List<Path> files) {
    return new HostSpec(
        name,
        address,
        port,
        user,
        files,
        password,
        keyPassphrase,
        proxyJump,
        connectTimeout,
        connectRetries);
  }

  public HostSpec withPassword(String pw) {
    return new HostSpec(
        name,
        address,
        port,
        user,
        identityFiles,
        pw,
        keyPassphrase,
        proxyJump,
        connectTimeout,
        connectRetries);
  }

  public HostSpec withKeyPassphrase(String phrase) {
    return new HostSpec(
        name,
        address,
        port,
        user,
        identityFiles,
        password,
        phrase,
        proxyJump,
        connectTimeout,
        connectRetries);
  }

  public HostSpec withProxyJump(String jump) {
    return new HostSpec(
        name,
        address,
        port,
        user,
        identityFiles,
        password,
        keyPassphrase,
        jump,
        connectTimeout,
        connectRetries);
  }

  public HostSpec withConnectTimeout(Duration t) {
    return new HostSpec(
        name,
        address,
        port,
        user,
        identityFiles,
        password,
        keyPassphrase,
        proxyJump,
        t,
        connectRetries);
  }

  public HostSpec withConnectRetries(int n) {
    return new HostSpec(
        name,
        address,
        port,
        user,
        identityFiles,
        password,
        keyPassphrase,
        proxyJump,
        connectTimeout,
        n);
  }

  @Override
  public String toString() {
    return "HostSpec[name="
        + name
        + ", address="
        + address
        + ", port="
        + port
        + ", user="
        + user
        + ", identityFiles="
        + identityFiles
        + ", password="
        + (password == null ? "none" : "********")
        + ", keyPassphrase="
        + (keyPassphrase == null ? "none" : "********")
        + ", proxyJump="
        + proxyJump
        + ", connectTimeout="
        + connectTimeout
        + ", connectRetries="
        + connectRetries
        + "]";
  }
}

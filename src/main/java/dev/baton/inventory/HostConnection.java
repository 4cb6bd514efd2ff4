package dev.baton.inventory;

import dev.baton.core.AnsibleBool;
import dev.baton.core.Mark;
import dev.baton.ssh.Become;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How to reach one inventory host, from its {@code ansible_*} connection variables.
 *
 * @param name the inventory name
 * @param address {@code ansible_host} (or the legacy {@code ansible_ssh_host}), else the name
 * @param port {@code ansible_port} / {@code ansible_ssh_port}; null lets ~/.ssh/config decide (22)
 * @param user {@code ansible_user} / {@code ansible_ssh_user}; null lets ~/.ssh/config decide
 * @param privateKeyFile {@code ansible_ssh_private_key_file} / {@code ansible_private_key_file}
 * @param proxyJump the jump host of {@code ansible_ssh_common_args} and the like ({@link SshArgs})
 * @param connectTimeout {@code -o ConnectTimeout=} of those arguments, seconds
 * @param password {@code ansible_password} / {@code ansible_ssh_pass}: a secret, never shown
 * @param type {@code ansible_connection}: ssh (also "smart") or local
 * @param become {@code ansible_become}
 * @param becomeUser {@code ansible_become_user}, null meaning root
 * @param becomePassword {@code ansible_become_password} / {@code ansible_become_pass}: a secret
 * @param notes settings that were ignored, one line each, for the operator to see
 */
public record HostConnection(
    String name,
    String address,
    Integer port,
    String user,
    String privateKeyFile,
    String proxyJump,
    Integer connectTimeout,
    String password,
    Type type,
    boolean become,
    String becomeUser,
    String becomePassword,
    List<String> notes) {

  /** The transports baton has. */
  public enum Type {
    SSH,
    LOCAL
  }

  private static final List<String> IGNORED =
      List.of(
          "ansible_sftp_extra_args",
          "ansible_scp_extra_args",
          "ansible_become_flags",
          "ansible_become_exe");

  public HostConnection {
    notes = List.copyOf(notes);
  }

  /** The sudo settings to use when the task or play turns become on. */
  public Become sudo() {
    return new Become(becomeUser, becomePassword);
  }

  /**
   * Builds the connection of {@code host} from variables (already templated, if the caller
   * templates). Errors name the place the offending variable came from.
   */
  public static HostConnection of(String host, Map<String, Object> vars, Map<String, Mark> origins)
      throws InventoryException {
    Reader r = new Reader(host, vars, origins);
    String address = r.string("ansible_host", "ansible_ssh_host");
    Integer port = r.port("ansible_port", "ansible_ssh_port");
    String user = r.string("ansible_user", "ansible_ssh_user");
    String key = r.string("ansible_ssh_private_key_file", "ansible_private_key_file");
    String password = r.string("ansible_password", "ansible_ssh_pass", "ansible_ssh_password");
    String conn = r.string("ansible_connection");
    Type type;
    if (conn == null || conn.equals("ssh") || conn.equals("smart")) {
      type = Type.SSH;
    } else if (conn.equals("local")) {
      type = Type.LOCAL;
    } else {
      throw r.error(
          "ansible_connection",
          "ansible_connection '" + conn + "' is not supported (ssh or local)");
    }
    boolean become = r.bool("ansible_become");
    String becomeUser = r.string("ansible_become_user");
    String becomePassword = r.string("ansible_become_password", "ansible_become_pass");
    String method = r.string("ansible_become_method");
    if (method != null && !method.equals("sudo")) {
      throw r.error(
          "ansible_become_method",
          "ansible_become_method '" + method + "' is not supported: baton becomes only with sudo");
    }
    List<String> notes = new ArrayList<>();
    SshArgs args = new SshArgs(null, null, null, null, null, List.of());
    StringBuilder given = new StringBuilder();
    List<String> argVars =
        List.of("ansible_ssh_args", "ansible_ssh_common_args", "ansible_ssh_extra_args");
    for (String n : argVars) {
      String v = r.string(n);
      if (v != null) {
        given.append(v).append(' ');
      }
    }
    if (given.length() > 0) {
      try {
        args = SshArgs.parse(given.toString());
      } catch (dev.baton.core.Shlex.SplitException e) {
        throw r.error("ansible_ssh_common_args", "SSH arguments: " + e.getMessage());
      }
      String from =
          argVars.stream()
              .filter(vars::containsKey)
              .map(n -> n + " (" + r.where(n) + ")")
              .toList()
              .toString();
      for (String note : args.notes()) {
        notes.add(host + ": " + from + ": " + note);
      }
    }
    // Explicit connection variables win over the same setting inside the SSH arguments.
    port = port != null ? port : args.port();
    user = user != null ? user : args.user();
    key = key != null ? key : args.identityFile();
    for (String ignored : IGNORED) {
      if (vars.containsKey(ignored)) {
        notes.add(
            host
                + ": "
                + ignored
                + " ("
                + r.where(ignored)
                + ") is ignored by baton;"
                + " put SSH options in ~/.ssh/config");
      }
    }
    return new HostConnection(
        host,
        address == null ? host : address,
        port,
        user,
        key,
        args.proxyJump(),
        args.connectTimeout(),
        password,
        type,
        become,
        becomeUser,
        becomePassword,
        notes);
  }

  @Override
  public String toString() {
    return "HostConnection[name="
        + name
        + ", address="
        + address
        + ", port="
        + port
        + ", user="
        + user
        + ", privateKeyFile="
        + privateKeyFile
        + ", proxyJump="
        + proxyJump
        + ", password="
        + (password == null ? "none" : "********")
        + ", type="
        + type
        + ", become="
        + become
        + ", becomeUser="
        + becomeUser
        + ", becomePassword="
        + (becomePassword == null ? "none" : "********")
        + ", notes="
        + notes
        + "]";
  }

  /** Typed access to connection variables, with their origin for errors. */
  private record Reader(String host, Map<String, Object> vars, Map<String, Mark> origins) {
    String string(String... names) throws InventoryException {
      for (String n : names) {
        Object v = vars.get(n);
        if (v != null) {
          if (v instanceof Map || v instanceof List) {
            throw error(n, n + " must be a single value");
          }
          return String.valueOf(v);
        }
      }
      return null;
    }

    Integer port(String... names) throws InventoryException {
      for (String n : names) {
        Object v = vars.get(n);
        if (v == null) {
          continue;
        }
        try {
          int p = v instanceof Number num ? num.intValue() : Integer.parseInt(v.toString().strip());
          if (p < 1 || p > 65535 || (v instanceof Double d && d != p)) {
            throw new NumberFormatException();
          }
          return p;
        } catch (NumberFormatException e) {
          throw error(n, n + " must be a port number 1-65535, got '" + v + "'");
        }
      }
      return null;
    }

    /** Ansible's boolean(): yes/on/true/1 and no/off/false/0, any case. */
    boolean bool(String name) throws InventoryException {
      Object v = vars.get(name);
      if (v == null) {
        return false;
      }
      if (v instanceof CharSequence s && s.toString().isBlank()) {
        return false; // `ansible_become=` in an INI inventory
      }
      Boolean b = AnsibleBool.parse(v);
      if (b == null) {
        throw error(name, name + " must be a boolean (true/false), got '" + v + "'");
      }
      return b;
    }

    String where(String name) {
      Mark m = origins.get(name);
      return m == null ? "set outside the inventory" : m.file() + ":" + m.line();
    }

    InventoryException error(String name, String message) {
      Mark m = origins.getOrDefault(name, Mark.NONE);
      return new InventoryException(m, "host " + host + ": " + message);
    }
  }
}

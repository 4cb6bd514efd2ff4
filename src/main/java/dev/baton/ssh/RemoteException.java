package dev.baton.ssh;

/**
 * A failure to talk to a host (as opposed to a command that ran and failed). The kind decides how
 * the engine reports it: the connection kinds make the host UNREACHABLE, {@link
 * Kind#COMMAND_TIMEOUT} fails the task.
 */
public final class RemoteException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Classified causes, each with a clear remedy for the operator. */
  public enum Kind {
    /** No route, connection refused, name does not resolve. */
    UNREACHABLE,
    /** The TCP connect or the SSH handshake did not finish within the connect timeout. */
    CONNECT_TIMEOUT,
    /** The host's key is not in known_hosts and accepting new keys was not asked for. */
    HOST_KEY_UNKNOWN,
    /** The host's key differs from the one in known_hosts: possible man in the middle. */
    HOST_KEY_CHANGED,
    /** The server refused every key, the agent's identities and the password. */
    AUTH_FAILED,
    /** The session died while a command or transfer was running; its outcome is unknown. */
    CONNECTION_LOST,
    /** The command ran longer than its timeout and was stopped. */
    COMMAND_TIMEOUT,
    /** Any other protocol or I/O failure. */
    OTHER
  }

  private final Kind kind;
  private final String host;

  public RemoteException(Kind kind, String host, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.host = host;
  }

  public RemoteException(Kind kind, String host, String message) {
    this(kind, host, message, null);
  }

  public Kind kind() {
    return kind;
  }

  public String host() {
    return host;
  }

  /** True when the host itself could not be used, as opposed to one command failing. */
  public boolean unreachable() {
    return kind != Kind.COMMAND_TIMEOUT && kind != Kind.OTHER;
  }
}

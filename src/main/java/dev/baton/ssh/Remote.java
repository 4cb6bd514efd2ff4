package dev.baton.ssh;

/**
 * One persistent connection to one host, shared by every task that runs there. Implementations: an
 * SSH session (MINA SSHD) or the local machine ({@code ansible_connection=local}).
 *
 * <p>A lost connection is never reported as a result: {@link #exec} throws {@link RemoteException}
 * with {@link RemoteException.Kind#CONNECTION_LOST} instead.
 */
public interface Remote extends AutoCloseable {

  /** The inventory name of the host this connection talks to. */
  String host();

  /**
   * Runs one shell command line on the host and waits for it. The line is run by a POSIX shell as
   * is (over SSH: {@code /bin/sh -c} in the host's shell session, or the login user's shell on a
   * channel of its own): every value inside it must already be quoted ({@link ShellQuote}).
   */
  ExecResult exec(String commandLine, ExecOptions options) throws RemoteException;

  /** File operations on the host (SFTP on the same session for SSH, java.nio for local). */
  RemoteFiles files() throws RemoteException;

  /**
   * A new connection to the same host, independent of this one (its own session, shell and SFTP
   * channel, same credentials and host key check), for work that runs in parallel, such as the
   * streams of a transfer: each stream then has a TCP connection, an SSH window and a cipher thread
   * of its own. The caller closes it.
   */
  Remote another() throws RemoteException;

  /** Closes the session; safe to call twice. */
  @Override
  void close();
}

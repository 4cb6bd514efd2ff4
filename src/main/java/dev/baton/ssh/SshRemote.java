package dev.baton.ssh;

import dev.baton.ssh.RemoteException.Kind;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * One host over one persistent SSH session: a command runs in the session's long-lived shell
 * ({@link ShellSession}) when it can, else on an exec channel of its own (stdin to feed, a become
 * password to answer, a very long line, the shell busy with another thread's command, or a host
 * that does not run the shell); file operations share one lazily opened SFTP channel. After the
 * session is lost, the next call opens a new one (with the same strict host key check); the call
 * that was running when it was lost fails with CONNECTION_LOST, never with a made-up result.
 */
final class SshRemote implements Remote {
  private static final Map<String, Integer> SIGNALS =
      Map.of(
          "HUP", 1, "INT", 2, "QUIT", 3, "ABRT", 6, "KILL", 9, "SEGV", 11, "PIPE", 13, "ALRM", 14,
          "TERM", 15);

  private final SshConnector connector;
  private final HostSpec spec;
  private SshConnector.Connection connection;
  private SftpClient sftp;
  private ClientSession sftpSession;
  private boolean closed;

  /** Held by the one command that uses the shell session; others take a channel of their own. */
  private final ReentrantLock shellBusy = new ReentrantLock();

  private ShellSession shell;
  private ClientSession shellOf;
  private String shellRefused;

  SshRemote(SshConnector connector, HostSpec spec) {
    this.connector = connector;
    this.spec = spec;
  }

  @Override
  public String host() {
    return spec.name();
  }

  @Override
  public Remote another() throws RemoteException {
    return connector.connect(spec);
  }

  synchronized void reconnect() throws RemoteException {
    if (connection != null) {
      connection.close();
      connection = null;
    }
    connection = connector.open(spec);
  }

  /** The live session, reconnecting once if the previous one was lost between commands. */
  synchronized ClientSession session() throws RemoteException {
    if (closed) {
      throw new RemoteException(Kind.OTHER, host(), host() + ": connection already closed");
    }
    if (connection == null || !connection.open()) {
      reconnect();
    }
    return connection.session();
  }

  /** The SFTP channel of the current session, opened on first use. */
  synchronized SftpClient sftp() throws IOException {
    ClientSession session;
    try {
      session = session();
    } catch (RemoteException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (sftp == null || sftpSession != session || !sftp.isOpen()) {
      if (sftp != null) {
        sftp.close();
      }
      try {
        sftp = SftpClientFactory.instance().createSftpClient(session);
      } catch (IOException e) {
        throw lost(e, "opening SFTP");
      }
      sftpSession = session;
    }
    return sftp;
  }

  /**
   * An IOException for a failed file operation, with a CONNECTION_LOST RemoteException as its cause
   * when the session died under it. SFTP status errors (no such file, permission) pass unchanged.
   */
  IOException lost(IOException e, String what) {
    if (e instanceof org.apache.sshd.sftp.common.SftpException) {
      return e;
    }
    ClientSession s;
    synchronized (this) {
      s = connection == null ? null : connection.session();
    }
    if (s == null) {
      return e;
    }
    if (timedOut(e) && s.isOpen()) {
      // No answer within the operation's timeout while the session still looks open: the link is
      // black-holed (a cut that sends no reset). Nothing more will come over this session; closing
      // it makes the host unreachable (exit 3, resumable), not a failed task quoting MINA.
      s.close(true);
      RemoteException cause =
          new RemoteException(
              Kind.CONNECTION_LOST,
              host(),
              host()
                  + ": link lost: no answer while "
                  + what
                  + " ("
                  + e.getMessage().replaceAll("^.*?within specified timeout: ", "waited ")
                  + "); its outcome is unknown",
              e);
      return new IOException(cause.getMessage(), cause);
    }
    // The transport error often arrives a moment before the session notices it is closed.
    s.waitFor(EnumSet.of(ClientSession.ClientSessionEvent.CLOSED), 2000);
    if (!s.isOpen() || s.isClosing()) {
      RemoteException cause =
          new RemoteException(
              Kind.CONNECTION_LOST,
              host(),
              host() + ": connection lost while " + what + "; its outcome is unknown",
              e);
      return new IOException(cause.getMessage(), cause);
    }
    return e;
  }

  /** An operation that got no answer in time (MINA's "within specified timeout", a socket's). */
  static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException
          || t instanceof java.util.concurrent.TimeoutException
          || t instanceof java.nio.channels.InterruptedByTimeoutException
          || (t instanceof org.apache.sshd.common.SshException
              && t.getMessage() != null
              && t.getMessage().contains("within specified timeout"))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public RemoteFiles files() throws RemoteException {
    session();
    return new SftpFiles(this);
  }

  @Override
  public ExecResult exec(String commandLine, ExecOptions options) throws RemoteException {
    CommandLine line;
    try {
      line = CommandLine.of(commandLine, options);
    } catch (IllegalArgumentException e) {
      throw new RemoteException(
          Kind.OTHER,
          host(),
          host() + ": " + e.getMessage() + " (command: " + CommandLine.brief(commandLine) + ")");
    }
    String brief = CommandLine.brief(commandLine);
    if (connector.settings().shellSession()
        && line.prompt() == null
        && options.stdin().length == 0
        && line.line().length() * 3 <= ShellSession.MAX_LINE_BYTES
        && !shellBusy.isHeldByCurrentThread()
        && shellBusy.tryLock()) {
      try {
        ShellSession sh = shell();
        if (sh != null) {
          return inShell(sh, line, options, brief);
        }
      } finally {
        shellBusy.unlock();
      }
    }
    ClientSession session = session();
    ChannelExec channel;
    try {
      channel = session.createExecChannel(line.line());
    } catch (IOException e) {
      throw connectionLost(brief, e);
    }
    CommandIo io = new CommandIo(line, () -> channel.close(false));
    channel.setOut(io.stdout());
    channel.setErr(io.stderr());
    try {
      try {
        channel.open().verify(Duration.ofSeconds(30));
      } catch (IOException e) {
        throw connectionLost(brief, e);
      }
      CompletableFuture<Void> feeding =
          CompletableFuture.runAsync(
              () -> io.feed(channel.getInvertedIn(), options), connector.workers());
      long limit =
          options.timeout() == null ? Long.MAX_VALUE : Math.max(1, options.timeout().toMillis());
      Set<ClientChannelEvent> events =
          channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), limit);
      io.finished();
      if (events.contains(ClientChannelEvent.TIMEOUT)) {
        stop(channel);
        feeding.cancel(true);
        throw new RemoteException(
            Kind.COMMAND_TIMEOUT,
            host(),
            host()
                + ": command ran longer than "
                + options.timeout()
                + " and was stopped: "
                + brief);
      }
      CommandIo.awaitQuietly(feeding);
      if (io.refusedPassword()) {
        throw new RemoteException(
            Kind.OTHER,
            host(),
            host()
                + ": sudo refused the become password for user "
                + options.become().user()
                + " (command: "
                + brief
                + ")");
      }
      Integer status = channel.getExitStatus();
      if (status == null && channel.getExitSignal() != null) {
        status = 128 + SIGNALS.getOrDefault(channel.getExitSignal(), 0);
      }
      if (status == null) {
        throw connectionLost(brief, null);
      }
      return new ExecResult(status, io.stdoutText(), io.stderrText());
    } finally {
      channel.close(true);
    }
  }

  /** The shell session of the live session, started on first use; null when the host refused it. */
  private ShellSession shell() throws RemoteException {
    ClientSession session = session();
    synchronized (this) {
      if (shell != null && shellOf == session && shell.usable()) {
        return shell;
      }
      if (shell != null) {
        shell.close();
        shell = null;
      }
      if (shellRefused != null) {
        return null;
      }
    }
    ShellSession started;
    try {
      started = ShellSession.open(session, Duration.ofSeconds(10));
    } catch (IOException e) {
      if (!session.isOpen() || session.isClosing()) {
        throw connectionLost("starting a shell session", e);
      }
      synchronized (this) {
        // For the rest of this connection, one channel per command, as before.
        shellRefused = e.getMessage();
      }
      return null;
    }
    synchronized (this) {
      shell = started;
      shellOf = session;
    }
    return started;
  }

  private ExecResult inShell(ShellSession sh, CommandLine line, ExecOptions options, String brief)
      throws RemoteException {
    long limit =
        options.timeout() == null ? Long.MAX_VALUE : Math.max(1, options.timeout().toMillis());
    try {
      return sh.run(line.line(), limit);
    } catch (ShellSession.TimedOut t) {
      kill(t.pid(), sh);
      throw new RemoteException(
          Kind.COMMAND_TIMEOUT,
          host(),
          host() + ": command ran longer than " + options.timeout() + " and was stopped: " + brief);
    } catch (IOException e) {
      ClientSession s = shellOf;
      if (s == null || !s.isOpen() || s.isClosing()) {
        throw connectionLost(brief, e);
      }
      throw new RemoteException(
          Kind.OTHER,
          host(),
          host()
              + ": the shell session ended while running: "
              + brief
              + " (its outcome is unknown)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sh.close();
      throw new RemoteException(
          Kind.OTHER, host(), host() + ": interrupted while running: " + brief);
    }
  }

  /**
   * Kills a command of the shell session that ran over its time, children first so that none is
   * left running, from a channel of its own: the shell is busy waiting for it. The command is the
   * driver's only child ({@code pid} is the driver's), or that child's child. The shell lives on
   * when the command's end arrives; else it is closed and the next command starts another.
   */
  private void kill(long pid, ShellSession sh) throws RemoteException {
    if (pid > 0) {
      try {
        exec(
            "for c in $(pgrep -P "
                + pid
                + "); do pkill -KILL -P \"$c\"; kill -KILL \"$c\"; done 2>/dev/null",
            ExecOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)));
      } catch (RemoteException e) {
        // The shell is closed below if the command did not end.
      }
    }
    try {
      if (pid > 0 && sh.awaitEnd(Duration.ofSeconds(5))) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sh.close();
  }

  /**
   * Closes the channel politely (SSH_MSG_CHANNEL_CLOSE), so that the server ends the command; an
   * immediate close would only forget the channel on this side.
   */
  private static void stop(ChannelExec channel) {
    try {
      // RFC 4254 6.9 "signal": OpenSSH's sshd kills the command with it; closing the channel
      // alone only closes its pipes, which a sleeping command never notices.
      Buffer request = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 32);
      request.putUInt(channel.getRecipient());
      request.putString("signal");
      request.putBoolean(false);
      request.putString("KILL");
      channel.writePacket(request);
    } catch (IOException | RuntimeException e) {
      // Best effort; the close below still ends the channel.
    }
    try {
      channel.close(false).await(Duration.ofSeconds(5));
    } catch (IOException e) {
      channel.close(true);
    }
  }

  private RemoteException connectionLost(String brief, Throwable cause) {
    return new RemoteException(
        Kind.CONNECTION_LOST,
        host(),
        host() + ": connection lost while running: " + brief + " (its outcome is unknown)",
        cause);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (shell != null) {
      shell.close();
      shell = null;
    }
    if (sftp != null) {
      try {
        sftp.close();
      } catch (IOException e) {
        // The session is closed next anyway.
      }
      sftp = null;
    }
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }

  @Override
  public String toString() {
    return "SshRemote[" + spec.name() + "]";
  }
}

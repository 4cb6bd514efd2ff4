package dev.baton.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;

/**
 * One long-lived {@code /bin/sh} on a host that runs commands one after another over a single exec
 * channel. A command on a fresh channel costs sshd a fork of its session process and an exec of the
 * login shell: a {@code /bin/true} took 19.5 ms that way on the benchmark VM, 11.4 ms here. No
 * command can change the driver: {@code cd}, {@code exit} and variables never leak from one command
 * into the next.
 *
 * <p>How a line runs, cheapest first (on the benchmark VM, where creating a process is slow: a fork
 * ~1 ms, an exec of {@code /bin/sh} ~1.6 ms; figures for {@code /bin/true} run by the driver):
 *
 * <ul>
 *   <li>{@code exec /path/program 'quoted' words} (what the command module sends for a program
 *       given by path, and the shell module's {@code exec /bin/sh -c '<script>'}; the pattern
 *       {@code ARGV}): the driver runs the program itself, as a simple command, which dash starts
 *       with vfork; an external program cannot change the shell that started it. 1.6 ms.
 *   <li>a line that expands nothing (no {@code $}, no backquote): in a subshell of the driver with
 *       the driver's variables unset; such a line cannot tell that subshell from a fresh shell. 2.4
 *       ms.
 *   <li>any other line: its own {@code /bin/sh -c}, so {@code $$} and {@code $PPID} are what they
 *       would be on a channel of its own. 4.7 ms.
 * </ul>
 *
 * <p>Framing: the command goes to the driver's stdin followed by a line holding only a random token
 * that no command can know in advance, with {@code :argv} or {@code :plain} for the first two
 * kinds. The driver runs the command in the foreground with stdin from /dev/null, then writes
 * {@code <token>:rc:<status>} on stdout and {@code <token>:end} on stderr. Each marker is one write
 * shorter than PIPE_BUF, so it never splits the command's own output and removing it gives the
 * command's streams back byte for byte. The driver's pid, sent once with its greeting, is how a
 * command that ran over its time is found: it is the driver's only child, or that child's child.
 *
 * <p>Not thread-safe: the caller runs one command at a time (SshRemote holds a lock).
 */
final class ShellSession implements AutoCloseable {
  /** Longer lines go to a channel of their own: dash reads its stdin one byte at a time. */
  static final int MAX_LINE_BYTES = 16 * 1024;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The driver (POSIX sh, builtins only in the loop). */
  private static final String DRIVER =
      String.join(
          "\n",
          "IFS= read -r n || exit 0",
          "printf '%s:ready:%d\\n' \"$n\" \"$$\"",
          "while :; do",
          "  c=",
          "  f=",
          "  while :; do",
          "    IFS= read -r l || exit 0",
          "    [ \"$l\" = \"$n\" ] && break",
          "    [ \"$l\" = \"$n:plain\" ] && break",
          "    [ \"$l\" = \"$n:argv\" ] && break",
          "    c=\"$c$f$l\"",
          "    f=\"",
          "\"",
          "  done",
          "  if [ \"$l\" = \"$n:argv\" ]; then",
          "    eval \"$c\" </dev/null",
          "  elif [ \"$l\" = \"$n\" ]; then",
          "    /bin/sh -c \"$c\" </dev/null",
          "  else",
          "    ( unset f l n r; eval \"unset c",
          "$c\" ) </dev/null",
          "  fi",
          "  r=$?",
          "  printf '%s:rc:%d\\n' \"$n\" \"$r\"",
          "  printf '%s:end\\n' \"$n\" >&2",
          "done");

  /**
   * {@code exec} then quoted words (ShellQuote's forms: safe characters, {@code '...'}, {@code
   * "'"}), the first an absolute path: nothing to expand, no redirection, no assignment, no
   * builtin.
   */
  private static final Pattern ARGV =
      Pattern.compile(
          "exec (?:/[A-Za-z0-9@%+=:,./_-]*|'/[^']*')(?:[A-Za-z0-9@%+=:,./_-]+|'[^']*'|\"'\")*"
              + "(?: (?:[A-Za-z0-9@%+=:,./_-]+|'[^']*'|\"'\")+)*");

  /** The command ran longer than allowed; {@code pid} is the driver's process on the host. */
  static final class TimedOut extends Exception {
    private final long pid;

    TimedOut(long pid) {
      super("timed out", null, false, false);
      this.pid = pid;
    }

    long pid() {
      return pid;
    }
  }

  private final ChannelExec channel;
  private final String token;
  private final byte[] rcMark;
  private final byte[] endMark;
  private final Stream out = new Stream();
  private final Stream err = new Stream();
  private boolean broken;
  private long driverPid;

  private ShellSession(ChannelExec channel, String token) {
    this.channel = channel;
    this.token = token;
    this.rcMark = (token + ":rc:").getBytes(StandardCharsets.US_ASCII);
    this.endMark = (token + ":end\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Starts the driver and waits for its greeting. Fails (IOException) when the host does not run it
   * as asked, e.g. a forced command in authorized_keys: the caller then uses a channel per command.
   */
  static ShellSession open(ClientSession session, Duration limit) throws IOException {
    byte[] t = new byte[16];
    RANDOM.nextBytes(t);
    String token = "baton-" + HexFormat.of().formatHex(t);
    ChannelExec channel = session.createExecChannel("exec /bin/sh -c " + ShellQuote.quote(DRIVER));
    ShellSession s = new ShellSession(channel, token);
    channel.setOut(s.out);
    channel.setErr(s.err);
    channel.addCloseFutureListener(f -> s.wake());
    boolean ok = false;
    try {
      channel.open().verify(limit);
      s.send(token + "\n");
      byte[] ready = (token + ":ready:").getBytes(StandardCharsets.US_ASCII);
      long deadline = System.nanoTime() + limit.toNanos();
      synchronized (s) {
        int at;
        while ((at = s.out.find(ready, 0)) < 0 || s.out.indexOf((byte) '\n', at) < 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0 || !channel.isOpen() || channel.isClosing()) {
            throw new IOException(
                "the host did not start a shell session (/bin/sh) on an exec channel");
          }
          s.wait(Math.max(1, left / 1_000_000));
        }
        s.driverPid = s.out.number(at + ready.length, s.out.indexOf((byte) '\n', at));
        if (s.driverPid <= 0) {
          throw new IOException("the shell session's greeting has no process id");
        }
        s.out.clear();
        s.err.clear();
      }
      ok = true;
      return s;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting a shell session", e);
    } finally {
      if (!ok) {
        channel.close(true);
      }
    }
  }

  boolean usable() {
    return !broken && channel.isOpen() && !channel.isClosing();
  }

  /**
   * Runs one command line and waits at most {@code limitMillis} for it.
   *
   * @throws TimedOut when it ran longer; the driver is still waiting for it
   * @throws IOException when the driver's channel ended first: the outcome is unknown
   */
  ExecResult run(String line, long limitMillis) throws IOException, TimedOut, InterruptedException {
    synchronized (this) {
      out.clear();
      err.clear();
    }
    // No newline after the command's last line inside the driver: with one, dash forks the last
    // command instead of exec'ing it, one process more per command.
    try {
      int end = line.length();
      while (end > 0 && line.charAt(end - 1) == '\n') {
        end--;
      }
      String trimmed = line.substring(0, end);
      switch (modeOf(trimmed)) {
        case ARGV -> send(trimmed.substring("exec ".length()) + "\n" + token + ":argv\n");
        case SUBSHELL -> send(trimmed + "\n" + token + ":plain\n");
        case OWN_SHELL -> send(trimmed + "\n" + token + "\n");
      }
    } catch (IOException e) {
      broken = true;
      throw e;
    }
    long deadline =
        limitMillis == Long.MAX_VALUE
            ? Long.MAX_VALUE
            : System.nanoTime() + limitMillis * 1_000_000;
    synchronized (this) {
      // Where to look next: a long output is scanned once, not again on every wake-up.
      int outFrom = 0;
      int errFrom = 0;
      while (true) {
        int rcAt = out.find(rcMark, outFrom);
        int rcEnd = rcAt < 0 ? -1 : out.indexOf((byte) '\n', rcAt + rcMark.length);
        int endAt = err.find(endMark, errFrom);
        if (rcEnd >= 0 && endAt >= 0) {
          long status = out.number(rcAt + rcMark.length, rcEnd);
          if (status < 0) {
            broken = true;
            throw new IOException("the shell session sent no readable exit status");
          }
          byte[] stdout = out.without(rcAt, rcEnd + 1);
          byte[] stderr = err.copy(0, endAt);
          return new ExecResult(
              (int) status,
              new String(stdout, StandardCharsets.UTF_8),
              new String(stderr, StandardCharsets.UTF_8));
        }
        outFrom = rcAt >= 0 ? rcAt : Math.max(0, out.length - rcMark.length);
        errFrom = endAt >= 0 ? endAt : Math.max(0, err.length - endMark.length);
        if (!channel.isOpen() || channel.isClosing()) {
          broken = true;
          throw new IOException("the shell session ended while the command ran");
        }
        long left = deadline == Long.MAX_VALUE ? 1000 : (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new TimedOut(driverPid);
        }
        wait(Math.min(left, 1000));
      }
    }
  }

  /** How the driver runs a line (see the class comment). */
  enum Mode {
    /** By the driver itself: one external program, started with vfork. */
    ARGV,
    /** In a subshell of the driver. */
    SUBSHELL,
    /** In a /bin/sh -c of its own. */
    OWN_SHELL
  }

  /**
   * The cheapest way to run {@code line} that gives the same outcome as a fresh {@code /bin/sh -c}.
   * Without {@code $} or a backquote a line reads no parameter ({@code $$}, {@code $PPID}, the
   * driver's variables) and substitutes no command, so a subshell of the driver will do.
   */
  static Mode modeOf(String line) {
    if (ARGV.matcher(line).matches()) {
      return Mode.ARGV;
    }
    return line.indexOf('$') < 0 && line.indexOf('`') < 0 ? Mode.SUBSHELL : Mode.OWN_SHELL;
  }

  /** Waits for the end of a command that was killed after a timeout; false: the driver is lost. */
  boolean awaitEnd(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (this) {
      while (out.find(rcMark, 0) < 0 || err.find(endMark, 0) < 0) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || !channel.isOpen() || channel.isClosing()) {
          broken = true;
          return false;
        }
        wait(left);
      }
      return true;
    }
  }

  private void send(String text) throws IOException {
    OutputStream in = channel.getInvertedIn();
    in.write(text.getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  private synchronized void wake() {
    notifyAll();
  }

  /** Ends the driver: EOF on its stdin makes it exit after the command it runs, if any. */
  @Override
  public void close() {
    broken = true;
    channel.close(false);
  }

  /** A growing byte buffer that MINA writes one stream of the channel into. */
  private final class Stream extends OutputStream {
    private byte[] bytes = new byte[8192];
    private int length;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (ShellSession.this) {
        if (length + len > bytes.length) {
          bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + len));
        }
        System.arraycopy(b, off, bytes, length, len);
        length += len;
        ShellSession.this.notifyAll();
      }
    }

    void clear() {
      length = 0;
    }

    int find(byte[] mark, int from) {
      outer:
      for (int i = from; i <= length - mark.length; i++) {
        for (int j = 0; j < mark.length; j++) {
          if (bytes[i + j] != mark[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }

    int indexOf(byte b, int from) {
      for (int i = from; i < length; i++) {
        if (bytes[i] == b) {
          return i;
        }
      }
      return -1;
    }

    /** The decimal number the driver printed in {@code [from, to)}; -1 if it is not one. */
    long number(int from, int to) {
      try {
        return Long.parseLong(new String(bytes, from, to - from, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    byte[] copy(int from, int to) {
      return Arrays.copyOfRange(bytes, from, to);
    }

    byte[] without(int from, int to) {
      return cut(Arrays.copyOf(bytes, length), from, to);
    }
  }

  private static byte[] cut(byte[] b, int from, int to) {
    byte[] r = new byte[b.length - (to - from)];
    System.arraycopy(b, 0, r, 0, from);
    System.arraycopy(b, to, r, from, b.length - to);
    return r;
  }
}

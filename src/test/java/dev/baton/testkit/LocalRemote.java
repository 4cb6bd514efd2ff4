package dev.baton.testkit;

import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.FileStat;
import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.RemoteFiles;
import dev.baton.ssh.ShellQuote;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A "host" that is this machine: commands run as real {@code sh -c} processes, files through
 * java.nio. Test equipment for the transfer engine and the modules until the SSH lab hosts are
 * merged; several instances with different names act as different inventory hosts.
 */
public final class LocalRemote implements Remote, RemoteFiles {
  private final String name;
  private final Map<String, String> env;

  public LocalRemote(String name) {
    this(name, Map.of());
  }

  /** A host whose every command also gets {@code env} (what a login profile would export). */
  public LocalRemote(String name, Map<String, String> env) {
    this.name = name;
    this.env = Map.copyOf(env);
  }

  @Override
  public String host() {
    return name;
  }

  @Override
  public ExecResult exec(String commandLine, ExecOptions options) throws RemoteException {
    StringBuilder line = new StringBuilder();
    for (Map.Entry<String, String> e : options.env().entrySet()) {
      line.append(e.getKey()).append('=').append(ShellQuote.quote(e.getValue())).append(' ');
    }
    line.append(commandLine);
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", line.toString());
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      CompletableFuture<byte[]> out =
          CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
      CompletableFuture<byte[]> err =
          CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      try (OutputStream in = p.getOutputStream()) {
        in.write(options.stdin());
      } catch (IOException ignored) {
        // the command did not read its input
      }
      if (options.timeout() != null) {
        if (!p.waitFor(options.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new RemoteException(
              RemoteException.Kind.COMMAND_TIMEOUT, name, "timed out: " + commandLine);
        }
      }
      int rc = p.waitFor();
      return new ExecResult(
          rc,
          new String(out.join(), StandardCharsets.UTF_8),
          new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RemoteException(RemoteException.Kind.OTHER, name, e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteException(RemoteException.Kind.OTHER, name, "interrupted", e);
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toByteArray();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  @Override
  public RemoteFiles files() {
    return this;
  }

  @Override
  public Remote another() {
    return new LocalRemote(name, env);
  }

  @Override
  public void close() {}

  @Override
  public Optional<FileStat> stat(String path) throws IOException {
    Path p = Path.of(path);
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    PosixFileAttributes a =
        Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String type =
        a.isRegularFile()
            ? "file"
            : a.isDirectory() ? "directory" : a.isSymbolicLink() ? "link" : "other";
    int mode = 0;
    for (PosixFilePermission perm : a.permissions()) {
      mode |= 1 << (8 - perm.ordinal());
    }
    return Optional.of(
        new FileStat(
            path,
            type,
            a.size(),
            mode,
            a.lastModifiedTime().toMillis() / 1000,
            a.owner().getName()));
  }

  @Override
  public InputStream openRead(String path, long offset) throws IOException {
    SeekableByteChannel ch = Files.newByteChannel(Path.of(path), StandardOpenOption.READ);
    ch.position(offset);
    return Channels.newInputStream(ch);
  }

  @Override
  public OutputStream openWrite(String path, boolean append, int mode) throws IOException {
    Path p = Path.of(path);
    boolean existed = Files.exists(p);
    OutputStream out =
        append
            ? Files.newOutputStream(p, StandardOpenOption.CREATE, StandardOpenOption.APPEND)
            : Files.newOutputStream(
                p,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    if (!existed) {
      chmod(path, mode);
    }
    return out;
  }

  @Override
  public OutputStream openWriteRange(String path, long offset, int mode) throws IOException {
    Path p = Path.of(path);
    boolean existed = Files.exists(p);
    java.nio.channels.FileChannel channel =
        java.nio.channels.FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    if (!existed) {
      chmod(path, mode);
    }
    channel.position(offset);
    return java.nio.channels.Channels.newOutputStream(channel);
  }

  @Override
  public void rename(String from, String to) throws IOException {
    Files.move(Path.of(from), Path.of(to), StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void mkdirs(String path, int mode) throws IOException {
    Files.createDirectories(Path.of(path));
  }

  @Override
  public void delete(String path) throws IOException {
    Files.deleteIfExists(Path.of(path));
  }

  @Override
  public void chmod(String path, int mode) throws IOException {
    Set<PosixFilePermission> perms = java.util.EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission perm : PosixFilePermission.values()) {
      if ((mode & (1 << (8 - perm.ordinal()))) != 0) {
        perms.add(perm);
      }
    }
    if (!Files.exists(Path.of(path))) {
      throw new NoSuchFileException(path);
    }
    Files.setPosixFilePermissions(Path.of(path), perms);
  }

  @Override
  public long freeSpace(String path) throws IOException {
    return Files.getFileStore(Path.of(path)).getUsableSpace();
  }
}

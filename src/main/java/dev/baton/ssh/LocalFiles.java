package dev.baton.ssh;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@link RemoteFiles} on the local file system (java.nio), for local hosts and shared mounts. */
final class LocalFiles implements RemoteFiles {
  private static final int BUFFER = 1024 * 1024;
  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE,
    PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ,
    PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE,
    PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE,
    PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ
  };

  static int mode(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (int i = 0; i < BITS.length; i++) {
      if (perms.contains(BITS[i])) {
        mode |= 1 << i;
      }
    }
    return mode;
  }

  static Set<PosixFilePermission> perms(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(BITS[i]);
      }
    }
    return perms;
  }

  @Override
  public Optional<FileStat> stat(String path) throws IOException {
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(Path.of(path), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    String type =
        a.isSymbolicLink()
            ? "link"
            : a.isDirectory() ? "directory" : a.isRegularFile() ? "file" : "other";
    return Optional.of(
        new FileStat(
            path,
            type,
            a.size(),
            mode(a.permissions()),
            a.lastModifiedTime().toMillis() / 1000,
            a.owner().getName()));
  }

  @Override
  public InputStream openRead(String path, long offset) throws IOException {
    FileChannel channel = FileChannel.open(Path.of(path), StandardOpenOption.READ);
    try {
      channel.position(offset);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return new BufferedInputStream(Channels.newInputStream(channel), BUFFER);
  }

  @Override
  public OutputStream openWrite(String path, boolean append, int mode) throws IOException {
    Path file = Path.of(path);
    boolean created = false;
    try {
      Files.createFile(file);
      created = true;
    } catch (FileAlreadyExistsException e) {
      // Written over or appended to below.
    }
    if (created) {
      Files.setPosixFilePermissions(file, perms(mode));
    }
    OpenOption[] options =
        append
            ? new OpenOption[] {StandardOpenOption.WRITE, StandardOpenOption.APPEND}
            : new OpenOption[] {StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING};
    return new BufferedOutputStream(Files.newOutputStream(file, options), BUFFER);
  }

  @Override
  public OutputStream openWriteRange(String path, long offset, int mode) throws IOException {
    Path file = Path.of(path);
    try {
      Files.createFile(file);
      Files.setPosixFilePermissions(file, perms(mode));
    } catch (FileAlreadyExistsException e) {
      // Another range's stream made it.
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
    try {
      channel.position(offset);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER);
  }

  @Override
  public void rename(String from, String to) throws IOException {
    Files.move(
        Path.of(from),
        Path.of(to),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void mkdirs(String path, int mode) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path p = Path.of(path).toAbsolutePath();
        p != null && !Files.exists(p);
        p = p.getParent()) {
      missing.add(0, p);
    }
    for (Path dir : missing) {
      try {
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, perms(mode));
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(dir)) {
          throw e;
        }
      }
    }
    if (!Files.isDirectory(Path.of(path))) {
      throw new FileAlreadyExistsException(path + " is not a directory");
    }
  }

  @Override
  public void delete(String path) throws IOException {
    Files.deleteIfExists(Path.of(path));
  }

  @Override
  public void chmod(String path, int mode) throws IOException {
    Files.setPosixFilePermissions(Path.of(path), perms(mode));
  }

  @Override
  public long freeSpace(String path) throws IOException {
    Path p = Path.of(path).toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      throw new NoSuchFileException(path);
    }
    return Files.getFileStore(p).getUsableSpace();
  }
}

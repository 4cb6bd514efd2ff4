package dev.baton.testing;

import dev.baton.ssh.ExecResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A lab's directory under java.io.tmpdir, named after its prefix and recording its owner JVM, so
 * that a later run can find and remove what a killed JVM left behind.
 */
final class LabDirectory {
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

  private LabDirectory() {}

  static Path create(String prefix) throws IOException {
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getProperty("java.io.tmpdir")),
            prefix + "-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    ProcessHandle self = ProcessHandle.current();
    Files.writeString(
        dir.resolve("owner"),
        self.pid() + " " + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n");
    return dir;
  }

  /**
   * Removes labs whose JVM died without running close() (kill -9, crashed fork): their processes,
   * namespaces, links and directory. Only labs with an owner file whose process is gone.
   */
  static void reapAbandoned() throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "bt?????-*")) {
      for (Path dir : dirs) {
        Path owner = dir.resolve("owner");
        if (Files.isRegularFile(owner) && !ownerAlive(owner)) {
          String prefix = dir.getFileName().toString().substring(0, 7);
          System.err.println(
              "OpenSshHosts: removing abandoned lab " + prefix + " (its JVM is gone): " + dir);
          List<String> problems = new ArrayList<>();
          reap(prefix, dir, problems);
          problems.forEach(p -> System.err.println("OpenSshHosts: " + p));
        }
      }
    }
  }

  private static boolean ownerAlive(Path owner) {
    try {
      String[] fields = Files.readString(owner).strip().split(" ");
      long pid = Long.parseLong(fields[0]);
      long started = Long.parseLong(fields[1]);
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .map(
              h ->
                  started == 0
                      || h.info().startInstant().map(Instant::toEpochMilli).orElse(started)
                          == started)
          .orElse(false);
    } catch (IOException | RuntimeException e) {
      return true; // unreadable: not provably ours to remove
    }
  }

  private static void reap(String prefix, Path dir, List<String> problems) {
    Set<Long> pids = new LinkedHashSet<>();
    List<String> namespaces =
        Command.check("ip", "netns", "list")
            .lines()
            .map(l -> l.split(" ")[0])
            .filter(n -> n.startsWith(prefix))
            .toList();
    for (String ns : namespaces) {
      ExecResult inside = Command.run(TOOL_TIMEOUT, List.of("ip", "netns", "pids", ns));
      inside
          .stdout()
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .map(Long::valueOf)
          .forEach(pids::add);
    }
    // sshd processes name their config (under dir) on the command line; their sessions share
    // their mount namespace.
    String marker = dir + "/";
    Set<String> mountNamespaces = new LinkedHashSet<>();
    for (long pid : LabProcesses.allPids()) {
      if (LabProcesses.commandLine(pid).contains(marker)) {
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
        String mnt = LabProcesses.mountNamespace(pid);
        if (mnt != null) {
          mountNamespaces.add(mnt);
        }
      }
    }
    mountNamespaces.remove(LabProcesses.mountNamespace(ProcessHandle.current().pid()));
    for (long pid : LabProcesses.allPids()) {
      if (mountNamespaces.contains(LabProcesses.mountNamespace(pid))) {
        pids.add(pid);
      }
    }
    LabProcesses.killAll(pids, problems);
    String links = Command.check("ip", "-o", "link", "show");
    for (String line : links.lines().toList()) {
      String[] fields = line.split(": ");
      if (fields.length > 1) {
        String name = fields[1].split("@")[0];
        if (name.startsWith(prefix)) {
          Command.attempt(problems, "ip", "link", "del", name);
        }
      }
    }
    for (String ns : namespaces) {
      Command.attempt(problems, "ip", "netns", "del", ns);
    }
    try {
      delete(dir);
    } catch (UncheckedIOException e) {
      problems.add(e.getMessage() + ": " + e.getCause().getMessage());
    }
  }

  static void delete(Path top) {
    try {
      deleteTreeOrFail(top);
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + top, e);
    }
  }

  private static void deleteTreeOrFail(Path top) throws IOException {
    if (!Files.exists(top)) {
      return;
    }
    Files.walkFileTree(
        top,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}

package dev.baton.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Finding and stopping a lab's processes by PID, through /proc and ProcessHandle. */
final class LabProcesses {
  private LabProcesses() {}

  /** SIGTERM, up to 3 s to exit, then SIGKILL; never this JVM. */
  static void killAll(Set<Long> pids, List<String> problems) {
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> victims = new ArrayList<>();
    for (long pid : pids) {
      if (pid != self) {
        ProcessHandle.of(pid).ifPresent(victims::add);
      }
    }
    victims.forEach(ProcessHandle::destroy);
    List<ProcessHandle> left = awaitGone(victims, Duration.ofSeconds(3));
    left.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : awaitGone(left, Duration.ofSeconds(5))) {
      problems.add("process " + p.pid() + " survived SIGKILL");
    }
  }

  static List<Long> allPids() {
    try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
      return proc.map(p -> p.getFileName().toString())
          .filter(s -> s.chars().allMatch(Character::isDigit))
          .map(Long::valueOf)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing /proc", e);
    }
  }

  static String commandLine(long pid) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
              StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  static String mountNamespace(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "mnt")).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException | RuntimeException e) {
      return true; // gone
    }
  }

  static List<ProcessHandle> awaitGone(Collection<ProcessHandle> processes, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    List<ProcessHandle> alive = new ArrayList<>(processes);
    while (true) {
      alive.removeIf(p -> !p.isAlive() || zombie(p.pid()));
      if (alive.isEmpty() || System.nanoTime() > deadline) {
        return alive;
      }
      sleep(20);
    }
  }

  static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

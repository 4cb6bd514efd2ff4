package dev.baton.sim;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * Installs the simulator into a directory laid out like an OpenEdge install: {@code $DLC/lib/} gets
 * the code the simulator runs from (baton's jar, or the simulator's classes when run from a classes
 * directory), {@code $DLC/bin/<utility>} a POSIX sh launcher per utility, {@code $DLC/version} a
 * line saying this is the simulator. Idempotent: running it again replaces the same files.
 */
public final class SimInstaller {
  /** Launchers written to {@code $DLC/bin}. {@code oesim} is the simulator-only client. */
  public static final List<String> UTILITIES =
      List.of(
          "prodb",
          "probkup",
          "prorest",
          "prostrct",
          "proutil",
          "proserve",
          "proshut",
          "proquiet",
          "prodel",
          "rfutil",
          "dsrutil",
          "oesim");

  static final String JAR_NAME = "baton-sim.jar";
  static final String CLASSES_DIR = "baton-sim-classes";
  static final String JVM_FLAGS =
      "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xss512k -Dfile.encoding=UTF-8"
          + " -Dsun.stdout.encoding=UTF-8 -Dsun.stderr.encoding=UTF-8";

  private SimInstaller() {}

  /** Installs into {@code dlc} (created if missing) and returns it. */
  public static Path install(Path dlc) throws IOException {
    return install(dlc, Release.DEFAULT.toString());
  }

  /**
   * As {@link #install(Path)}, as the OpenEdge {@code release} given (e.g. "12.1"): written to
   * {@code $DLC/version}, which the rules that changed between releases follow.
   */
  public static Path install(Path dlc, String release) throws IOException {
    Release.parse(release);
    Path root = dlc.toAbsolutePath().normalize();
    Path lib = root.resolve("lib");
    Path bin = root.resolve("bin");
    Files.createDirectories(lib);
    Files.createDirectories(bin);
    Path source = codeSource();
    String cpEntry;
    if (Files.isDirectory(source)) {
      Path dest = lib.resolve(CLASSES_DIR);
      copyPackage(source, dest);
      cpEntry = CLASSES_DIR;
    } else {
      Path tmp = lib.resolve(JAR_NAME + ".tmp");
      Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, lib.resolve(JAR_NAME), StandardCopyOption.REPLACE_EXISTING);
      cpEntry = JAR_NAME;
    }
    for (String u : UTILITIES) {
      writeExecutable(bin.resolve(u), launcher(u, cpEntry));
    }
    Files.writeString(
        root.resolve("version"),
        "OpenEdge Release " + release + " (baton OpenEdge simulator, not Progress OpenEdge)\n",
        StandardCharsets.UTF_8);
    return root;
  }

  static String launcher(String utility, String cpEntry) {
    return "#!/bin/sh\n"
        + "# baton OpenEdge simulator: "
        + utility
        + " (not Progress OpenEdge)\n"
        + "here=$(cd \"$(dirname \"$0\")/..\" && pwd)\n"
        // As baton's own launcher: the JVM reads file names in the locale's character set only,
        // and an SSH session, cron or env -i often brings POSIX (ASCII). Database paths are
        // UTF-8 bytes on the host whatever the locale of the shell that runs the utility.
        + "[ \"$(locale charmap 2>/dev/null)\" = UTF-8 ] || export LC_ALL=C.UTF-8\n"
        // The install the utility belongs to, as OpenEdge's own scripts set it.
        + "export DLC=\"${DLC:-$here}\"\n"
        + "exec \"${BATON_SIM_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}\" "
        + JVM_FLAGS
        + " -cp \"$here/lib/"
        + cpEntry
        + "\" dev.baton.sim.SimMain "
        + utility
        + " \"$@\"\n";
  }

  private static Path codeSource() throws IOException {
    try {
      return Path.of(
          SimInstaller.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IOException("cannot locate the simulator's own code: " + e.getMessage(), e);
    }
  }

  /** Copies dev/baton/sim/** only: the simulator is pure JDK and needs nothing else. */
  private static void copyPackage(Path classes, Path dest) throws IOException {
    Path pkg = classes.resolve("dev/baton/sim");
    Path destPkg = dest.resolve("dev/baton/sim");
    Files.createDirectories(destPkg);
    try (Stream<Path> old = Files.list(destPkg)) {
      for (Path p : old.toList()) {
        Files.deleteIfExists(p);
      }
    }
    try (Stream<Path> files = Files.list(pkg)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        Files.copy(
            p, destPkg.resolve(p.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void writeExecutable(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException e) {
      if (!tmp.toFile().setExecutable(true, false)) {
        throw new IOException("cannot make " + file + " executable");
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
  }
}

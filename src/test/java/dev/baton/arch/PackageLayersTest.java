package dev.baton.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependencies go one way (issue #18). Read from the sources: every reference to
 * {@code dev.baton.<package>.<Type>} (an import or a qualified name) in a file of another package
 * is an edge. The layers below are the design; a new edge that goes up, or a new package not placed
 * in a layer, fails the build with the file that made it.
 */
class PackageLayersTest {
  private static final Path MAIN = Path.of("src/main/java/dev/baton");
  private static final Pattern REF = Pattern.compile("\\bdev\\.baton\\.([a-z]+)\\.[A-Z]");

  /**
   * Lowest first; a package may use the packages of the layers below it and of its own layer where
   * named in {@link #SIDEWAYS}. {@code sim} is the OpenEdge stand-in and is used only by the lab.
   */
  private static final List<Set<String>> LAYERS =
      List.of(
          Set.of("core"),
          Set.of("ssh", "sim"),
          Set.of("template"),
          Set.of("modules"),
          Set.of("playbook", "inventory", "transfer"),
          Set.of("openedge", "engine", "lab"),
          Set.of("report"),
          Set.of("cli"));

  /** Edges within one layer that are part of the design. */
  private static final Set<String> SIDEWAYS =
      Set.of("inventory -> playbook", "openedge -> transfer");

  @Test
  void everyPackageIsInALayerAndUsesOnlyWhatIsBelowIt() throws IOException {
    Map<String, Set<String>> edges = edges();
    List<String> wrong = new ArrayList<>();
    for (var e : edges.entrySet()) {
      String[] ab = e.getKey().split(" -> ");
      int from = layer(ab[0]);
      int to = layer(ab[1]);
      if (from < 0 || to < 0) {
        wrong.add("package not in a layer: " + (from < 0 ? ab[0] : ab[1]));
      } else if (to > from || (to == from && !SIDEWAYS.contains(e.getKey()))) {
        wrong.add(e.getKey() + " goes up or sideways, in " + e.getValue());
      }
    }
    assertThat(wrong).as("package edges against the layering").isEmpty();
  }

  @Test
  void corePackageDependsOnNothingOfBaton() throws IOException {
    assertThat(edges().keySet()).noneMatch(e -> e.startsWith("core -> "));
  }

  private static int layer(String pkg) {
    for (int i = 0; i < LAYERS.size(); i++) {
      if (LAYERS.get(i).contains(pkg)) {
        return i;
      }
    }
    return -1;
  }

  /** "a -> b" to the files of a that refer to b. */
  private static Map<String, Set<String>> edges() throws IOException {
    Map<String, Set<String>> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
        Matcher m = REF.matcher(Files.readString(f));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            out.computeIfAbsent(pkg + " -> " + m.group(1), k -> new TreeSet<>())
                .add(f.getFileName().toString());
          }
        }
      }
    }
    assertThat(out).as("edges read from " + MAIN.toAbsolutePath()).isNotEmpty();
    return out;
  }
}

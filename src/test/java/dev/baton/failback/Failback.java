package dev.baton.failback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.lab.EmbeddedLab;
import dev.baton.lab.EmbeddedLab.LabHost;
import dev.baton.testing.Baton;
import dev.baton.testing.LinkRelay;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The failback as an operator runs it in these tests: {@code baton play -i <lab inventory>
 * playbooks/secondary-replication.yml} as a separate process, and what they look at afterwards
 * (roles from {@code proutil -C describe} on the host's own files, file digests, {@code oesim
 * digest}, the journal).
 */
final class Failback {
  static final Path PLAYBOOK = Path.of("playbooks/secondary-replication.yml").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ROLE =
      Pattern.compile("OpenEdge Replication\\s+(Yes|No)\\s+(Source|Target)?");

  final EmbeddedLab lab;
  final Path work;
  final Map<String, String> env;
  Path inventory;

  Failback(EmbeddedLab lab, Path work) {
    this.lab = lab;
    this.work = work;
    this.env = Map.of("BATON_HOME", work.resolve("baton-home").toString());
    this.inventory = lab.inventory();
  }

  static EmbeddedLab startLab(Path state, int pairs, long bytes) throws IOException {
    return EmbeddedLab.start(state, pairs, bytes);
  }

  /** {@code baton play -i <inventory> <playbook> [more]} to its end. */
  Baton.Result play(String... more) throws IOException {
    return Baton.run(work, env, args(more));
  }

  Process start(String... more) throws IOException {
    return Baton.start(work, env, args(more));
  }

  Baton.Result resume(String runId, String... more) throws IOException {
    List<String> a = new ArrayList<>(List.of("resume", runId));
    a.addAll(List.of(more));
    return Baton.run(work, env, a.toArray(String[]::new));
  }

  private String[] args(String... more) {
    List<String> a =
        new ArrayList<>(List.of("play", "-i", inventory.toString(), PLAYBOOK.toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  /**
   * Makes baton reach {@code host} through {@code relay}: a copy of the lab's inventory and
   * known_hosts where that host's address is the relay's (same host key).
   */
  void route(LabHost host, LinkRelay relay) throws IOException {
    route(host, relay.port());
  }

  /** As {@link #route(LabHost, LinkRelay)} for any relay listening on 127.0.0.1:{@code port}. */
  void route(LabHost host, int port) throws IOException {
    String inv = Files.readString(lab.inventory());
    String hostLine =
        host.name()
            + " ansible_host="
            + host.ssh().address()
            + " ansible_port="
            + host.ssh().port()
            + " ";
    assertThat(inv).contains(hostLine);
    inv = inv.replace(hostLine, host.name() + " ansible_host=127.0.0.1 ansible_port=" + port + " ");
    Path known = work.resolve("known_hosts");
    String keyLine = host.ssh().hostKeyLine();
    String relayed = "[127.0.0.1]:" + port + keyLine.substring(keyLine.indexOf(' '));
    Files.writeString(known, Files.readString(lab.knownHosts()) + relayed + "\n");
    inv =
        inv.replace(
            "baton_known_hosts_file=" + lab.knownHosts(), "baton_known_hosts_file=" + known);
    inventory = work.resolve("inventory-relayed.ini");
    Files.writeString(inventory, inv);
  }

  /** The replication role {@code proutil -C describe} reports: source, target or none. */
  String role(LabHost h) throws IOException {
    String out = lab.run(h, "proutil", EmbeddedLab.DB_NAME, "-C", "describe");
    Matcher m = ROLE.matcher(out);
    if (!m.find() || m.group(1).equals("No") || m.group(2) == null) {
      return "none";
    }
    return m.group(2).toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code oesim digest}: record count and content hash, as of the committed position. */
  String digest(LabHost h) throws IOException {
    String out = lab.run(h, "oesim", "digest", EmbeddedLab.DB_NAME).strip();
    return out.replaceAll("\\s*position=\\S+", "");
  }

  /** Exit 0 of {@code proutil -C busy} means nothing serves the db. */
  boolean served(LabHost h) {
    try {
      lab.run(h, "proutil", EmbeddedLab.DB_NAME, "-C", "busy");
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** sha256 of every regular file under the given subdirectories of a host, by relative path. */
  /** The database's own run lock: {@code .baton-lock.NAME} in its real directory. */
  static Path lockOf(LabHost h) throws IOException {
    return h.dbDir().toRealPath().resolve(".baton-lock." + EmbeddedLab.DB_NAME);
  }

  /** The database path as run_lock names it: its real directory and its name. */
  static Path realDb(LabHost h) throws IOException {
    return h.dbDir().toRealPath().resolve(EmbeddedLab.DB_NAME);
  }

  /** Removes a directory tree (a planted lock). */
  static void deleteTree(Path top) throws IOException {
    if (!Files.exists(top)) {
      return;
    }
    try (var s = Files.walk(top)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static Map<String, String> files(LabHost h, String... subdirs) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String sub : subdirs) {
      Path root = h.dir().resolve(sub);
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : walk.filter(Files::isRegularFile).toList()) {
          out.put(h.dir().relativize(p).toString(), sha256(p));
        }
      }
    }
    return out;
  }

  static String sha256(Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Flips one byte of a file in place: the corruption a bad disk or link leaves. */
  static void flipByte(Path file, long at) throws IOException {
    try (var ch =
        java.nio.channels.FileChannel.open(
            file, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
      var b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, at);
      b.flip();
      byte v = b.get(0);
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) (v ^ 0x5a)}), at);
    }
  }

  static String runId(Baton.Result r) {
    Matcher m = Pattern.compile("(?m)^run ([A-Za-z0-9._-]+)").matcher(r.stdout());
    assertThat(m.find()).as(r.all()).isTrue();
    return m.group(1);
  }

  static Path journalOf(Baton.Result r) {
    Matcher m = Pattern.compile("journal (\\S+)").matcher(r.stdout());
    assertThat(m.find()).as(r.all()).isTrue();
    return Path.of(m.group(1));
  }

  Path journalOf(String runId) {
    return work.resolve("baton-home").resolve("runs").resolve(runId).resolve("journal.jsonl");
  }

  /** The newest run under this test's BATON_HOME (for a run that was killed). */
  String newestRun() throws IOException {
    try (Stream<Path> runs = Files.list(work.resolve("baton-home").resolve("runs"))) {
      return runs.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow();
    }
  }

  /** The ids of the runs under this test's BATON_HOME. */
  java.util.Set<String> runs() throws IOException {
    Path dir = work.resolve("baton-home").resolve("runs");
    if (!Files.isDirectory(dir)) {
      return java.util.Set.of();
    }
    try (Stream<Path> runs = Files.list(dir)) {
      return runs.map(p -> p.getFileName().toString())
          .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }
  }

  /** The run a just started process created (the one not among {@code before}). */
  String awaitNewRun(java.util.Set<String> before, Process p)
      throws IOException, InterruptedException {
    for (int i = 0; i < 3000; i++) {
      for (String r : runs()) {
        if (!before.contains(r)) {
          return r;
        }
      }
      if (!p.isAlive()) {
        Baton.Result res = Baton.await(p, 5);
        throw new AssertionError("baton ended before it created its run: " + res.all());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("baton created no run in 300 s");
  }

  /** The journal's events, a torn last line (of a killed run) left out. */
  static List<JsonNode> events(Path journal) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(journal)) {
      return out;
    }
    for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        out.add(JSON.readTree(line));
      } catch (IOException torn) {
        break;
      }
    }
    return out;
  }

  /** The host_result events of one host for tasks whose name starts with {@code task}. */
  static List<JsonNode> results(Path journal, String host, String task) throws IOException {
    return events(journal).stream()
        .filter(e -> e.path("event").asText().equals("host_result"))
        .filter(e -> e.path("host").asText().equals(host))
        .filter(e -> e.path("task").asText().startsWith(task))
        .toList();
  }

  /**
   * The one result of the task named {@code task} exactly, or else the one whose name starts so.
   */
  static JsonNode result(Path journal, String host, String task) throws IOException {
    List<JsonNode> r = results(journal, host, task);
    List<JsonNode> exact = r.stream().filter(e -> e.path("task").asText().equals(task)).toList();
    if (!exact.isEmpty()) {
      r = exact;
    }
    assertThat(r).as("journal %s: %s on %s", journal, task, host).hasSize(1);
    return r.get(0);
  }

  /** Polls until the journal has a host result for the task (or the process ended). */
  static void awaitResult(Path journal, String host, String task, Process p)
      throws IOException, InterruptedException {
    awaitEvent(journal, p, e -> isResult(e, host, task), "a result of '" + task + "'");
  }

  static void awaitStarted(Path journal, String task, Process p)
      throws IOException, InterruptedException {
    awaitEvent(
        journal,
        p,
        e ->
            e.path("event").asText().equals("task_started")
                && e.path("task").asText().startsWith(task),
        "task '" + task + "' started");
  }

  private static boolean isResult(JsonNode e, String host, String task) {
    return e.path("event").asText().equals("host_result")
        && e.path("host").asText().equals(host)
        && e.path("task").asText().startsWith(task);
  }

  static void awaitEvent(
      Path journal, Process p, java.util.function.Predicate<JsonNode> what, String label)
      throws IOException, InterruptedException {
    for (int i = 0; i < 3000; i++) {
      if (events(journal).stream().anyMatch(what)) {
        return;
      }
      if (!p.isAlive()) {
        Baton.Result r = Baton.await(p, 5);
        throw new AssertionError("baton ended before " + label + ": " + r.all());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + label + " in " + journal + " after 300 s");
  }

  /** Polls until a condition on the hosts' files holds (or the process ended). */
  static void awaitTrue(java.util.function.BooleanSupplier cond, Process p, String label)
      throws IOException, InterruptedException {
    for (int i = 0; i < 3000; i++) {
      if (cond.getAsBoolean()) {
        return;
      }
      if (!p.isAlive()) {
        Baton.Result r = Baton.await(p, 5);
        throw new AssertionError("baton ended before " + label + ": " + r.all());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + label + " after 300 s");
  }

  /** SIGKILL, as a crashed jump host or an OOM killer would end the runner. */
  static void kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    p.waitFor();
  }

  static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }
}

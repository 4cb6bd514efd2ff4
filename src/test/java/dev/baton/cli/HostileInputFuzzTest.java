package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.Mark;
import dev.baton.inventory.Inventory;
import dev.baton.inventory.InventoryException;
import dev.baton.modules.ModuleRegistry;
import dev.baton.playbook.ExtraVars;
import dev.baton.playbook.PlaybookException;
import dev.baton.playbook.PlaybookLoader;
import dev.baton.playbook.VarsFiles;
import dev.baton.template.JinjavaTemplater;
import dev.baton.template.TemplateException;
import dev.baton.testing.Mutator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile-input fuzzing of everything baton reads before it connects: playbooks, vars files, extra
 * vars, inventories (INI, YAML, group_vars/host_vars) and templates, mutated from the project's own
 * fixtures. Each case must end, within a generous bound, either accepted or refused with the
 * documented exception whose message is one line naming {@code file:line:col}; through the CLI,
 * with exit code 4 (or 5) and one {@code ERROR!} line, never an internal error.
 *
 * <p>Deterministic: the seed (fixed; {@code -Dbaton.fuzz.seed=N} or {@code =random}, printed) and
 * the case number fix each input. {@code -Dbaton.fuzz.seconds=300} fuzzes for five minutes instead
 * of the fixed case count; {@code -Dbaton.fuzz.case=N} replays one case. Failing inputs are written
 * under {@code target/fuzz-failures/}.
 */
class HostileInputFuzzTest {
  /**
   * Fixed, so that the README's test command gives one result per commit; {@code
   * -Dbaton.fuzz.seed=random} draws one (printed with each run, to replay a failure).
   */
  private static final long SEED =
      "random".equals(System.getProperty("baton.fuzz.seed"))
          ? new java.security.SecureRandom().nextLong()
          : Long.getLong("baton.fuzz.seed", 0x5eed_ba70L);

  private static final long SECONDS = Long.getLong("baton.fuzz.seconds", 0);
  private static final int ONLY_CASE = Integer.getInteger("baton.fuzz.case", -1);
  private static final int LOADER_CASES = Integer.getInteger("baton.fuzz.cases", 2500);
  private static final int CLI_CASES = Integer.getInteger("baton.fuzz.cliCases", 300);

  /** A hang detector, not a performance bound: a case that takes this long never ends. */
  private static final long CASE_BOUND_SECONDS = 30;

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Pattern MARKED =
      Pattern.compile("(.+?):(\\d+):(\\d+): \\S.*", Pattern.DOTALL);

  @TempDir Path tmp;
  private ExecutorService worker;
  private final List<String> failures = new ArrayList<>();

  enum Target {
    PLAYBOOK,
    VARS_FILE,
    EXTRA_VARS,
    INVENTORY,
    TEMPLATE
  }

  @BeforeEach
  void startWorker() {
    worker = newWorker();
  }

  @AfterEach
  void stopWorker() {
    worker.shutdownNow();
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(
        r -> {
          // 64 MiB of stack so that only unbounded recursion, not merely deep input, overflows.
          Thread t = new Thread(null, r, "fuzz-case", 64L << 20);
          t.setDaemon(true);
          return t;
        });
  }

  @Test
  void loadersRefuseHostileInputWithOneMarkedLineAndNothingElse() throws Exception {
    Corpus corpus = Corpus.load();
    ModuleRegistry modules = Modules.registry();
    PlaybookLoader loader = new PlaybookLoader();
    JinjavaTemplater templater = new JinjavaTemplater();
    Target[] targets = Target.values();
    int cases =
        run(
            "loaders",
            LOADER_CASES,
            (n, random) -> {
              Target target = targets[n % targets.length];
              Path dir = Files.createDirectories(tmp.resolve("case-" + n));
              try {
                return switch (target) {
                  case PLAYBOOK -> {
                    Path book = write(dir.resolve("book.yml"), corpus.mutator(n, corpus.books));
                    yield check(
                        target,
                        n,
                        book,
                        () -> loader.load(book, modules),
                        PlaybookException.class,
                        book.toString());
                  }
                  case VARS_FILE -> {
                    Path vars = write(dir.resolve("vars.yml"), corpus.mutator(n, corpus.varsFiles));
                    yield check(
                        target,
                        n,
                        vars,
                        () -> VarsFiles.load(vars),
                        PlaybookException.class,
                        vars.toString());
                  }
                  case EXTRA_VARS -> {
                    Mutator m = corpus.mutator(n, corpus.extraVars);
                    String text = m.mutate(m.pick());
                    Path saved = dir.resolve("extra-vars.txt");
                    Files.write(saved, text.getBytes(StandardCharsets.UTF_8));
                    yield check(
                        target,
                        n,
                        saved,
                        () -> ExtraVars.parse(text, dir),
                        PlaybookException.class,
                        ExtraVars.SOURCE,
                        dir.toString());
                  }
                  case INVENTORY -> {
                    Path inv = corpus.mutatedInventory(n, dir);
                    yield check(
                        target,
                        n,
                        inv,
                        () -> Inventory.load(List.of(inv)),
                        InventoryException.class,
                        inv.toString());
                  }
                  case TEMPLATE -> {
                    Mutator m = corpus.mutator(n, corpus.templates);
                    String text = m.mutate(m.pick());
                    Path saved = dir.resolve("template.txt");
                    Files.write(saved, text.getBytes(StandardCharsets.UTF_8));
                    Mark mark = new Mark("tpl.yml", 3, 7);
                    boolean condition = m.random().nextBoolean();
                    yield check(
                        target,
                        n,
                        saved,
                        () ->
                            condition
                                ? templater.test(text, Corpus.VARS, mark)
                                : templater.render(text, Corpus.VARS, mark),
                        TemplateException.class,
                        "tpl.yml:3:7");
                  }
                };
              } finally {
                deleteTree(dir);
              }
            });
    assertThat(cases).isPositive();
    assertThat(failures).as("fuzz failures (seed %d)", SEED).isEmpty();
  }

  @Test
  void cliRefusesHostileInputWithExitCodeFourAndOneErrorLine() throws Exception {
    Corpus corpus = Corpus.load();
    int cases =
        run(
            "cli",
            CLI_CASES,
            (n, random) -> {
              Path dir = Files.createDirectories(tmp.resolve("cli-" + n));
              try {
                Path inv;
                Path book;
                boolean mutateBook = n % 3 != 2;
                if (mutateBook) {
                  inv = Files.copy(ROOT.resolve("inventory/site-pair.ini"), dir.resolve("inv.ini"));
                  book = write(dir.resolve("book.yml"), corpus.mutator(n, corpus.books));
                } else {
                  inv = corpus.mutatedInventory(n, dir);
                  book =
                      Files.copy(
                          ROOT.resolve("playbooks/check-roles.yml"), dir.resolve("book.yml"));
                }
                String[] args =
                    n % 3 == 1
                        ? new String[] {"inventory", "-i", inv.toString(), "--list"}
                        : new String[] {
                          "play", "-i", inv.toString(), book.toString(), "--syntax-check"
                        };
                Path input = mutateBook && n % 3 == 0 ? book : inv;
                return checkCli(n, input, args);
              } finally {
                deleteTree(dir);
              }
            });
    assertThat(cases).isPositive();
    assertThat(failures).as("fuzz failures (seed %d)", SEED).isEmpty();
  }

  /** The alias bomb is refused quickly by every YAML reader, not expanded. */
  @Test
  void aliasBombsAreRefusedNotExpanded() throws Exception {
    StringBuilder bomb = new StringBuilder("a0: &a0 [\"lol\"]\n");
    for (int i = 1; i <= 24; i++) { // 48 aliases, under the usual count limit
      bomb.append("a" + i + ": &a" + i + " [*a" + (i - 1) + ", *a" + (i - 1) + "]\n");
    }
    Path file = Files.writeString(tmp.resolve("bomb.yml"), bomb.toString());
    assertThat(
            outcome(
                () -> {
                  VarsFiles.load(file);
                  return "accepted";
                }))
        .startsWith(file + ":")
        .contains("alias");
    Path inv =
        Files.writeString(tmp.resolve("inv.yml"), "all:\n  vars:\n" + bomb.toString().indent(4));
    assertThat(
            outcome(
                () -> {
                  Inventory.load(List.of(inv));
                  return "accepted";
                }))
        .startsWith(inv + ":")
        .contains("alias");
  }

  private String outcome(Callable<String> load) throws Exception {
    Future<String> f =
        worker.submit(
            () -> {
              try {
                return load.call();
              } catch (PlaybookException | InventoryException e) {
                return e.getMessage();
              }
            });
    return f.get(CASE_BOUND_SECONDS, TimeUnit.SECONDS);
  }

  interface Case {
    /** Runs case {@code n}; returns false when it found a failure. */
    boolean run(int n, Random random) throws Exception;
  }

  /** Runs the cases (or the time budget), printing the seed; returns how many ran. */
  private int run(String name, int count, Case body) throws Exception {
    long deadline = SECONDS > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS) : 0;
    System.out.printf(
        "fuzz %s: seed %d (-Dbaton.fuzz.seed=%d), %s%n",
        name, SEED, SEED, SECONDS > 0 ? SECONDS + " s" : count + " cases");
    int n = ONLY_CASE >= 0 ? ONLY_CASE : 0;
    int ran = 0;
    while (true) {
      if (ONLY_CASE >= 0 ? ran == 1 : SECONDS > 0 ? System.nanoTime() > deadline : n >= count) {
        break;
      }
      body.run(n, new Random(SEED * 31 + n));
      ran++;
      n++;
      if (failures.size() >= 25) {
        break;
      }
    }
    System.out.printf("fuzz %s: %d cases, %d failures%n", name, ran, failures.size());
    failures.forEach(f -> System.out.println("  " + f));
    return ran;
  }

  interface Load {
    Object call() throws Exception;
  }

  /**
   * Runs one load in the worker: accepted, or refused with {@code expected} whose message is one
   * line starting with one of {@code places}, and marked when it starts with a file.
   */
  private boolean check(
      Target target,
      int n,
      Path input,
      Load load,
      Class<? extends Exception> expected,
      String... places)
      throws Exception {
    Future<Throwable> f =
        worker.submit(
            () -> {
              try {
                load.call();
                return null;
              } catch (Throwable t) {
                return t;
              }
            });
    Throwable thrown;
    try {
      thrown = f.get(CASE_BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      worker.shutdownNow();
      worker = newWorker();
      return fail(target, n, input, "no result after " + CASE_BOUND_SECONDS + " s (hang)");
    } catch (ExecutionException e) {
      return fail(target, n, input, "worker died: " + e.getCause());
    }
    if (thrown == null) {
      return true;
    }
    if (!expected.isInstance(thrown)) {
      return fail(target, n, input, "unexpected " + describe(thrown));
    }
    String message = thrown.getMessage();
    if (message == null || message.contains("\n") || message.contains("\r")) {
      return fail(target, n, input, "message is not one line: " + abbreviate(message));
    }
    boolean placed = false;
    for (String place : places) {
      placed |= message.startsWith(place);
    }
    if (!placed) {
      return fail(target, n, input, "message does not name the input: " + abbreviate(message));
    }
    if (!message.startsWith(tmp.toString()) || MARKED.matcher(message).matches()) {
      return true;
    }
    return fail(target, n, input, "message has no line:col: " + abbreviate(message));
  }

  private boolean checkCli(int n, Path input, String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Future<Integer> f =
        worker.submit(
            () -> {
              picocli.CommandLine cl = Main.commandLine();
              cl.setOut(new PrintWriter(out, true));
              cl.setErr(new PrintWriter(err, true));
              return cl.execute(args);
            });
    int code;
    try {
      code = f.get(CASE_BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      worker.shutdownNow();
      worker = newWorker();
      return fail("CLI " + args[0], n, input, "no exit after " + CASE_BOUND_SECONDS + " s (hang)");
    } catch (ExecutionException e) {
      return fail("CLI " + args[0], n, input, "escaped picocli: " + describe(e.getCause()));
    }
    String stderr = err.toString();
    if (code == 0) {
      return true;
    }
    List<String> lines = stderr.lines().toList();
    String prefix = args[0].equals("inventory") ? "baton: " : "ERROR! ";
    if (code != 4 && code != 5
        || lines.isEmpty()
        || !lines.get(0).startsWith(prefix)
        || lines.size() > 3
        || stderr.contains("internal error")
        || stderr.contains("\tat ")) {
      return fail("CLI " + args[0], n, input, "exit " + code + ", stderr: " + abbreviate(stderr));
    }
    return true;
  }

  private boolean fail(Object target, int n, Path input, String why) {
    String saved = "";
    try {
      Path dir = Files.createDirectories(ROOT.resolve("target/fuzz-failures"));
      String name = String.valueOf(target).replace(' ', '-') + "-" + SEED + "-" + n;
      Path copy = dir.resolve(name + "-" + input.getFileName());
      if (Files.isRegularFile(input)) {
        Files.copy(input, copy, StandardCopyOption.REPLACE_EXISTING);
        saved = " input " + copy;
      }
    } catch (IOException e) {
      saved = " (input not saved: " + e.getMessage() + ")";
    }
    failures.add(target + " case " + n + " (-Dbaton.fuzz.case=" + n + "): " + why + saved);
    return false;
  }

  private static String describe(Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    String where = "";
    for (StackTraceElement e : st) {
      if (e.getClassName().startsWith("dev.baton")) {
        where = " at " + e;
        break;
      }
    }
    return t.getClass().getName() + ": " + abbreviate(String.valueOf(t.getMessage())) + where;
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    String one = s.replace("\n", "\\n").replace("\r", "\\r");
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }

  /** Writes a mutation of a corpus entry, sometimes with raw bytes that are not UTF-8. */
  private static Path write(Path file, Mutator m) throws IOException {
    byte[] bytes = m.mutate(m.pick()).getBytes(StandardCharsets.UTF_8);
    Random r = m.random();
    if (bytes.length > 0 && r.nextInt(10) == 0) {
      bytes[r.nextInt(bytes.length)] = (byte) (0x80 + r.nextInt(128));
    }
    return Files.write(file, bytes);
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The project's own inputs, read once. */
  static final class Corpus {
    static final Map<String, Object> VARS = vars();

    final List<String> books = new ArrayList<>();
    final List<String> varsFiles = new ArrayList<>();
    final List<String> extraVars = new ArrayList<>();
    final List<String> templates = new ArrayList<>();
    final List<String> allText = new ArrayList<>();

    /** Inventory fixture directories that load as they are. */
    final List<Path> inventories = new ArrayList<>();

    private static Map<String, Object> vars() {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("x", "1");
      v.put("n", 5);
      v.put("items", List.of(1, 2, 3));
      v.put("db", Map.of("name", "sports", "path", "/db/sports"));
      v.put("openedge_db", "/db/sports");
      v.put("inventory_hostname", "prod-a");
      return v;
    }

    static Corpus load() throws IOException {
      Corpus c = new Corpus();
      List<Path> yaml = new ArrayList<>();
      for (String d : List.of("src/test/resources/playbooks", "playbooks")) {
        try (Stream<Path> s = Files.walk(ROOT.resolve(d))) {
          s.filter(p -> p.toString().endsWith(".yml")).sorted().forEach(yaml::add);
        }
      }
      for (Path p : yaml) {
        c.books.add(Files.readString(p));
      }
      List<Path> invFiles = new ArrayList<>();
      for (String d : List.of("src/test/resources/inventory", "inventory")) {
        try (Stream<Path> s = Files.walk(ROOT.resolve(d))) {
          s.filter(Files::isRegularFile).sorted().forEach(invFiles::add);
        }
      }
      for (Path p : invFiles) {
        String text = Files.readString(p);
        c.allText.add(text);
        if (p.toString().matches(".*(group_vars|host_vars).*\\.ya?ml")) {
          c.varsFiles.add(text);
        }
      }
      c.allText.addAll(c.books);
      c.extraVars.addAll(
          List.of(
              "k=v k2='v 2' n=3",
              "{\"k\": [1, 2], \"m\": {\"a\": null}}",
              "{a: 1, b: [x, y], c: {d: e}}",
              "openedge_db=/db/sports backup_dir=\"/backup/{{ x }}\"",
              "@vars.yml"));
      for (String text : c.allText) {
        for (String line : text.split("\n")) {
          if (line.contains("{{") || line.contains("{%")) {
            int colon = line.indexOf(": ");
            c.templates.add(colon >= 0 ? line.substring(colon + 2).strip() : line.strip());
          }
        }
      }
      c.templates.addAll(
          List.of(
              "{{ x }}",
              "{{ items | map('string') | join(',') }}",
              "{% for i in items %}{{ i }}{% endfor %}",
              "{{ db.name | default('none') }}",
              "{{ n is number and n > 3 }}",
              "{% if x == '1' %}one{% else %}other{% endif %}",
              "{{ openedge_db | basename }}",
              "{{ lookup('env', 'HOME') }}",
              "{{ '%s-%s' | format(x, n) }}"));
      for (String d : List.of("src/test/resources/inventory", "inventory")) {
        try (Stream<Path> s = Files.list(ROOT.resolve(d))) {
          s.filter(Files::isDirectory).sorted().forEach(c.inventories::add);
        }
      }
      c.inventories.add(ROOT.resolve("inventory"));
      c.inventories.removeIf(
          p -> {
            try {
              Inventory.load(List.of(p));
              return false;
            } catch (InventoryException e) {
              return true;
            }
          });
      return c;
    }

    Mutator mutator(int n, List<String> entries) {
      return new Mutator(SEED * 31 + n, mixed(entries));
    }

    /** Mostly the target's own kind of input, plus every other file for line splicing. */
    private List<String> mixed(List<String> entries) {
      List<String> m = new ArrayList<>(entries);
      for (int i = 0; i < 3; i++) {
        m.addAll(entries);
      }
      m.addAll(allText);
      return m;
    }

    /** A copy of an inventory fixture in {@code dir} with one of its files mutated. */
    Path mutatedInventory(int n, Path dir) throws IOException {
      Random r = new Random(SEED * 31 + n);
      Path fixture = inventories.get(r.nextInt(inventories.size()));
      Path copy = dir.resolve("inv");
      List<Path> files = new ArrayList<>();
      try (Stream<Path> s = Files.walk(fixture)) {
        for (Path p : s.sorted().toList()) {
          Path target = copy.resolve(fixture.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target);
            files.add(target);
          }
        }
      }
      Path victim = files.get(r.nextInt(files.size()));
      List<String> own = new ArrayList<>(List.of(Files.readString(victim)));
      write(victim, new Mutator(r.nextLong(), mixedWith(own)));
      return copy;
    }

    private List<String> mixedWith(List<String> own) {
      List<String> m = new ArrayList<>();
      for (int i = 0; i < 3 * allText.size(); i++) {
        m.addAll(own);
      }
      m.addAll(allText);
      return m;
    }
  }
}

package dev.baton.modules;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The modules of the ansible-core (and the collections) installed on the jump host, for the tasks
 * that name a module baton does not implement ({@code lineinfile}, {@code user}, {@code setup},
 * {@code community.general.ini_file}, ...). Each is found where Ansible finds it, packed once per
 * run with the {@code module_utils} it may import into a zip, and run on the host by {@link
 * PackedModule}. Modules that need Ansible's controller-side action plugin are refused by name.
 *
 * <p>Where: {@code $BATON_ANSIBLE_DIR} (the {@code ansible} package directory), else the first
 * {@code ansible/} under the usual Python library directories; collections under {@code
 * $ANSIBLE_COLLECTIONS_PATH} (else {@code ~/.ansible/collections}, {@code
 * /usr/share/ansible/collections}) and beside the {@code ansible} package.
 */
public final class AnsibleModules {
  /**
   * ansible-core modules whose work is done by a controller-side action plugin that baton does not
   * run; with what to do instead.
   */
  private static final Map<String, String> ACTION_ONLY =
      Map.ofEntries(
          Map.entry("raw", "use command or shell"),
          Map.entry("script", "copy the script, then run it with command"),
          Map.entry("assemble", "not available yet"),
          Map.entry("add_host", "not available yet"),
          Map.entry("group_by", "not available yet"),
          Map.entry("set_stats", "not available yet"),
          Map.entry("pause", "not available yet"),
          Map.entry("reboot", "not available yet"),
          Map.entry("wait_for_connection", "use wait_for on the jump host"),
          Map.entry("package", "name the package manager's module (apt, dnf)"),
          Map.entry("service", "name the service manager's module (systemd, sysvinit)"),
          Map.entry("yum", "use dnf"),
          Map.entry("unarchive", "copy the archive, then unpack it with command"),
          Map.entry("async_status", "baton runs tasks to the end"),
          Map.entry("validate_argument_spec", "not available"),
          Map.entry("gather_facts", "say gather_facts: true on the play, or call setup"),
          Map.entry(
              "include_tasks", "use import_tasks (read before the run); include_tasks is not yet"),
          Map.entry("include_role", "use import_role or roles:; include_role is not yet"));

  private static final AnsibleModules JUMP_HOST = new AnsibleModules(locate());

  private final Optional<Path> ansibleDir;
  private final Map<String, Optional<Module>> found = new ConcurrentHashMap<>();
  private final Map<Path, PackedModule.Library> libraries = new ConcurrentHashMap<>();

  AnsibleModules(Optional<Path> ansibleDir) {
    this.ansibleDir = ansibleDir;
  }

  /** The ansible-core installed on this machine, if any. */
  public static AnsibleModules onJumpHost() {
    return JUMP_HOST;
  }

  /** Where ansible-core is, if it is installed. */
  public Optional<Path> ansibleDir() {
    return ansibleDir;
  }

  /** Why {@code name} cannot be run as a packed module though Ansible has it, if so. */
  public static Optional<String> refusal(String name) {
    String shortName = name.startsWith("ansible.builtin.") ? name.substring(16) : name;
    String why = ACTION_ONLY.get(shortName);
    return why == null
        ? Optional.empty()
        : Optional.of(
            "'"
                + name
                + "' needs Ansible's controller-side action plugin, which baton does not run; "
                + why);
  }

  /**
   * The packed module for a task's module name: {@code lineinfile}, {@code ansible.builtin.user},
   * or a collection's {@code NS.COLL.NAME}; empty when no such module is installed here.
   */
  public Optional<Module> find(String name) {
    if (ansibleDir.isEmpty() || !name.matches("[A-Za-z0-9_.]+")) {
      return Optional.empty();
    }
    return found.computeIfAbsent(name, this::lookup);
  }

  private Optional<Module> lookup(String name) {
    String[] parts = name.split("\\.");
    if (parts.length == 1 || (parts.length == 3 && name.startsWith("ansible.builtin."))) {
      String shortName = parts[parts.length - 1];
      Path file = ansibleDir.get().resolve("modules").resolve(shortName + ".py");
      if (Files.isRegularFile(file) && !shortName.startsWith("_")) {
        return Optional.of(
            new PackedModule(
                name,
                "ansible.modules." + shortName,
                "ansible/modules/" + shortName + ".py",
                file,
                () -> library(null)));
      }
      return Optional.empty();
    }
    if (parts.length != 3) {
      return Optional.empty();
    }
    for (Path root : collectionRoots()) {
      Path coll = root.resolve("ansible_collections").resolve(parts[0]).resolve(parts[1]);
      Path file = coll.resolve("plugins/modules").resolve(parts[2] + ".py");
      if (Files.isRegularFile(file)) {
        String fqn =
            "ansible_collections." + parts[0] + "." + parts[1] + ".plugins.modules." + parts[2];
        String rel =
            "ansible_collections/"
                + parts[0]
                + "/"
                + parts[1]
                + "/plugins/modules/"
                + parts[2]
                + ".py";
        return Optional.of(new PackedModule(name, fqn, rel, file, () -> library(coll)));
      }
    }
    return Optional.empty();
  }

  private List<Path> collectionRoots() {
    List<Path> roots = new ArrayList<>();
    String env = System.getenv("ANSIBLE_COLLECTIONS_PATH");
    if (env == null || env.isBlank()) {
      env = System.getenv("ANSIBLE_COLLECTIONS_PATHS");
    }
    String home = System.getProperty("user.home");
    List<String> given =
        env != null && !env.isBlank()
            ? List.of(env.split(":"))
            : List.of(home + "/.ansible/collections", "/usr/share/ansible/collections");
    for (String g : given) {
      if (!g.isBlank()) {
        roots.add(Path.of(g.replaceFirst("^~", home)));
      }
    }
    ansibleDir.ifPresent(a -> roots.add(a.getParent()));
    return roots;
  }

  /**
   * The library a module runs with, as a zip and its digest: stub {@code ansible} packages and all
   * of ansible-core's {@code module_utils}; for a collection's module, its collection's {@code
   * module_utils} too. Built once per run (about 340 KiB with ansible-core 2.14); the host keeps it
   * unpacked under its digest ({@link PackedModule}), so it crosses the link once per host.
   */
  PackedModule.Library library(Path collection) {
    Path key = collection == null ? ansibleDir.get() : collection;
    return libraries.computeIfAbsent(
        key,
        k -> {
          try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512 * 1024);
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
              stub(zip, "ansible/__init__.py");
              stub(zip, "ansible/modules/__init__.py");
              tree(zip, ansibleDir.get().resolve("module_utils"), "ansible/module_utils/");
              if (collection != null) {
                String ns = collection.getParent().getFileName().toString();
                String name = collection.getFileName().toString();
                String base = "ansible_collections/" + ns + "/" + name + "/";
                stub(zip, "ansible_collections/__init__.py");
                stub(zip, "ansible_collections/" + ns + "/__init__.py");
                stub(zip, base + "__init__.py");
                stub(zip, base + "plugins/__init__.py");
                stub(zip, base + "plugins/modules/__init__.py");
                Path utils = collection.resolve("plugins/module_utils");
                if (Files.isDirectory(utils)) {
                  tree(zip, utils, base + "plugins/module_utils/");
                }
              }
            }
            return PackedModule.Library.of(bytes.toByteArray());
          } catch (IOException e) {
            throw new UncheckedIOException("packing " + k + ": " + e.getMessage(), e);
          }
        });
  }

  /**
   * One fixed time for every entry: the same files give the same zip, so the same digest and the
   * same directory on the hosts, run after run (a zip's default times are now).
   */
  private static ZipEntry entry(String name) {
    ZipEntry e = new ZipEntry(name);
    e.setTime(315532800000L); // 1980-01-01, the zip format's epoch
    return e;
  }

  private static void stub(ZipOutputStream zip, String name) throws IOException {
    zip.putNextEntry(entry(name));
    zip.closeEntry();
  }

  private static void file(ZipOutputStream zip, Path f, String name) throws IOException {
    zip.putNextEntry(entry(name));
    zip.write(Files.readAllBytes(f));
    zip.closeEntry();
  }

  private static void tree(ZipOutputStream zip, Path dir, String prefix) throws IOException {
    List<Path> files;
    try (Stream<Path> all = Files.walk(dir)) {
      files =
          all.filter(Files::isRegularFile)
              .filter(p -> p.toString().endsWith(".py"))
              .filter(p -> !p.toString().contains("__pycache__"))
              .sorted()
              .toList();
    }
    for (Path p : files) {
      file(zip, p, prefix + dir.relativize(p).toString().replace('\\', '/'));
    }
  }

  private static Optional<Path> locate() {
    String given = System.getenv("BATON_ANSIBLE_DIR");
    if (given != null && !given.isBlank()) {
      Path p = Path.of(given);
      return Files.isDirectory(p.resolve("module_utils")) ? Optional.of(p) : Optional.empty();
    }
    List<Path> libs = new ArrayList<>();
    libs.add(Path.of("/usr/lib/python3/dist-packages"));
    for (String base :
        List.of(
            "/usr/local/lib",
            "/usr/lib",
            "/usr/lib64",
            System.getProperty("user.home") + "/.local/lib")) {
      try (Stream<Path> s = Files.list(Path.of(base))) {
        s.filter(p -> p.getFileName().toString().startsWith("python3"))
            .sorted()
            .forEach(
                p -> {
                  libs.add(p.resolve("dist-packages"));
                  libs.add(p.resolve("site-packages"));
                });
      } catch (IOException e) {
        // no such directory
      }
    }
    for (Path lib : libs) {
      Path a = lib.resolve("ansible");
      if (Files.isDirectory(a.resolve("module_utils")) && Files.isDirectory(a.resolve("modules"))) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}

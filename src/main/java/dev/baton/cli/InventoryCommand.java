package dev.baton.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.baton.core.Mark;
import dev.baton.inventory.Group;
import dev.baton.inventory.Inventory;
import dev.baton.inventory.InventoryException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton inventory}: shows an inventory as baton reads it, in the shapes of {@code
 * ansible-inventory} ({@code --list}, {@code --host}, {@code --graph}) so the two can be compared.
 */
@Command(
    name = "inventory",
    mixinStandardHelpOptions = true,
    description =
        "Show the inventory as baton reads it (hosts, groups, variables and their origin).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the inventory was shown",
      "2:bad command line",
      "4:the inventory cannot be read (one line on stderr names file:line:col)"
    })
public final class InventoryCommand implements Callable<Integer> {
  /** The inventory is malformed or names something that does not exist. */
  public static final int EXIT_INVENTORY = 4;

  private static final Pattern SECRET = Pattern.compile("(?i)pass|secret|token|vault");

  @Option(
      names = {"-i", "--inventory"},
      required = true,
      paramLabel = "PATH",
      description = "Inventory file, directory or host1,host2, list; repeat to merge several.")
  List<Path> inventories = new ArrayList<>();

  @ArgGroup(exclusive = true, multiplicity = "1")
  Action action;

  static final class Action {
    @Option(
        names = "--list",
        description = "All groups and host variables as JSON (like ansible-inventory --list).")
    boolean list;

    @Option(
        names = "--host",
        paramLabel = "HOST",
        description = "Each variable of HOST, its value and the file:line it came from.")
    String host;

    @Option(
        names = "--graph",
        arity = "0..1",
        fallbackValue = "all",
        paramLabel = "GROUP",
        description = "The group tree from GROUP (default all), like ansible-inventory --graph.")
    String graph;

    @Option(
        names = "--select",
        paramLabel = "PATTERN",
        description = "The hosts a pattern (--limit, hosts:) names, one per line.")
    String select;
  }

  @Option(names = "--json", description = "With --host: the variables as JSON only.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Inventory inventory = Inventory.load(inventories);
      if (action.list) {
        out.println(json(list(inventory)));
      } else if (action.host != null) {
        host(inventory, action.host, out);
      } else if (action.graph != null) {
        Group start =
            inventory
                .group(action.graph)
                .orElseThrow(
                    () ->
                        new InventoryException(
                            Mark.NONE,
                            "--graph needs a group name; no group '" + action.graph + "'"));
        List<String> lines = new ArrayList<>();
        graph(inventory, start, 0, lines);
        lines.forEach(out::println);
      } else {
        inventory.select(action.select).forEach(out::println);
      }
      out.flush();
      return 0;
    } catch (InventoryException e) {
      err.println("baton: " + e.getMessage());
      err.flush();
      return EXIT_INVENTORY;
    }
  }

  /** The shape of {@code ansible-inventory --list}: groups from all, empty ones left out. */
  static Map<String, Object> list(Inventory inventory) {
    Map<String, Object> result = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    formatGroup(inventory, inventory.group("all").orElseThrow(), result, seen);
    Map<String, Object> hostvars = new TreeMap<>();
    for (String h : inventory.hosts()) {
      Map<String, Object> v = inventory.varsOf(h);
      if (!v.isEmpty()) {
        hostvars.put(h, v);
      }
    }
    result.put("_meta", Map.of("hostvars", hostvars));
    return result;
  }

  private static void formatGroup(
      Inventory inventory, Group group, Map<String, Object> result, Set<String> seen) {
    Map<String, Object> entry = new LinkedHashMap<>();
    result.put(group.name(), entry);
    if (!group.name().equals("all") && !group.hosts().isEmpty()) {
      entry.put("hosts", group.hosts());
    }
    if (!group.children().isEmpty()) {
      entry.put("children", group.children());
    }
    for (String child : group.children()) {
      if (seen.add(child)) {
        formatGroup(inventory, inventory.group(child).orElseThrow(), result, seen);
      }
    }
    if (entry.isEmpty()) {
      result.remove(group.name());
    }
  }

  private void host(Inventory inventory, String host, PrintWriter out) throws InventoryException {
    if (!inventory.hasHost(host)) {
      throw new InventoryException(Mark.NONE, "no host named '" + host + "' in the inventory");
    }
    Map<String, Object> vars = new TreeMap<>(inventory.varsOf(host));
    if (json) {
      out.println(json(vars));
      return;
    }
    Map<String, Mark> origins = inventory.originsOf(host);
    int width = vars.keySet().stream().mapToInt(String::length).max().orElse(0);
    for (Map.Entry<String, Object> e : vars.entrySet()) {
      String value =
          SECRET.matcher(e.getKey()).find() && e.getValue() != null
              ? "\"********\""
              : compact(e.getValue());
      Mark m = origins.get(e.getKey());
      out.println(
          String.format(
              "%-" + width + "s = %s  # %s", e.getKey(), value, m.file() + ":" + m.line()));
    }
  }

  private static void graph(Inventory inventory, Group group, int depth, List<String> lines) {
    lines.add(graphName("@" + group.name() + ":", depth));
    for (String child : group.children()) {
      graph(inventory, inventory.group(child).orElseThrow(), depth + 1, lines);
    }
    if (!group.name().equals("all")) {
      for (String h : group.hosts()) {
        lines.add(graphName(h, depth + 1));
      }
    }
  }

  private static String graphName(String name, int depth) {
    return depth == 0 ? name : "  |".repeat(depth) + "--" + name;
  }

  private static String compact(Object value) {
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("inventory values are plain JSON types", e);
    }
  }

  /** JSON as ansible-inventory writes it: keys sorted, 4-space indent, {@code "key": value}. */
  static String json(Object value) {
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("    ", "\n"))
            .withArrayIndenter(new DefaultIndenter("    ", "\n"))
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""));
    ObjectWriter writer =
        new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writer(printer);
    try {
      return writer.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("inventory values are plain JSON types", e);
    }
  }
}

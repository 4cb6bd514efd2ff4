package dev.baton.openedge;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Args;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.OnResume;
import dev.baton.modules.TaskFailure;
import dev.baton.modules.TaskResult;
import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.ShellQuote;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code openedge_repl_check}: reads the {@code <db>.repl.properties} of both databases of a site
 * pair (this host's, the primary, and {@code peer_host}'s, the secondary, the current source) and
 * judges them against each other and the inventory with {@link ReplRules}. Read-only. Each rule's
 * verdict is in {@code checks} and as a printable line in {@code table}; the task fails when any
 * rule fails, its message naming host, file, key, what it holds and what it must hold. Host names
 * in the files are compared after resolving them on the secondary ({@code getent hosts}), where the
 * replication server connects from.
 */
final class OpenEdgeReplCheck extends OpenEdgeModule {
  @Override
  public String name() {
    return "openedge_repl_check";
  }

  /** A read: asked again on resume, like the other checks. */
  @Override
  public OnResume onResume() {
    return OnResume.CHECK_AGAIN;
  }

  @Override
  public ArgSpec args() {
    return ArgSpec.of(
        Map.ofEntries(
            Map.entry("db", ArgSpec.required(Type.PATH)),
            Map.entry("port", ArgSpec.required(Type.ANY)),
            Map.entry("peer_host", ArgSpec.required(Type.STRING)),
            Map.entry("peer_db", ArgSpec.required(Type.PATH)),
            Map.entry("peer_port", ArgSpec.required(Type.ANY)),
            Map.entry("address", ArgSpec.optional(Type.STRING, null)),
            Map.entry("peer_address", ArgSpec.optional(Type.STRING, null)),
            Map.entry("repl_port", ArgSpec.optional(Type.ANY, null)),
            Map.entry("peer_repl_port", ArgSpec.optional(Type.ANY, null)),
            Map.entry("online_seed", ArgSpec.optional(Type.BOOL, true)),
            Map.entry("render", ArgSpec.optional(Type.BOOL, false)),
            Map.entry("agent_name", ArgSpec.optional(Type.STRING, "agent1")),
            Map.entry("defer_agent_startup", ArgSpec.optional(Type.ANY, 60))));
  }

  @Override
  TaskResult execute(ModuleContext ctx, Args args) throws Exception {
    DbPath db = DbPath.of(args.required("db"));
    DbPath peerDb = DbPath.of(args.required("peer_db"));
    String peer = args.required("peer_host");
    HostFiles here = files(ctx);
    HostFiles there = new HostFiles((line, o) -> ctx.remoteOf(peer).exec(line, o), peer);
    String targetFile = db.file(".repl.properties");
    String sourceFile = peerDb.file(".repl.properties");
    Optional<String> rendered = Optional.empty();
    if (args.bool("render", false)) {
      rendered = render(ctx, args, db, peerDb, peer, here, there, targetFile, sourceFile);
    }
    Optional<String> targetText = here.read(targetFile);
    Optional<String> sourceText = there.read(sourceFile);
    List<String> missing = new ArrayList<>();
    if (sourceText.isEmpty()) {
      missing.add(
          peer + ":" + sourceFile + " does not exist (the source's replication properties)");
    }
    if (targetText.isEmpty()) {
      missing.add(
          ctx.host() + ":" + targetFile + " does not exist (the target's replication properties)");
    }
    if (!missing.isEmpty()) {
      return new TaskResult.Failed(
          String.join("; ", missing),
          TaskResult.data("table", missing.stream().map(m -> "FAIL properties: " + m).toList()));
    }
    ReplConfig source = ReplConfig.parse(peer, sourceFile, sourceText.get());
    ReplConfig target = ReplConfig.parse(ctx.host(), targetFile, targetText.get());
    ReplRules.Side primary =
        new ReplRules.Side(
            ctx.host(),
            with(
                addresses(ctx.host(), ctx.vars(), args.string("address")),
                ownAddresses((line, o) -> ctx.exec(line, o))),
            db.name(),
            replPort(args, ""));
    ReplRules.Side secondary =
        new ReplRules.Side(
            peer,
            with(
                addresses(peer, ctx.varsOf(peer), args.string("peer_address")),
                ownAddresses((line, o) -> ctx.remoteOf(peer).exec(line, o))),
            peerDb.name(),
            replPort(args, "peer_"));
    Resolver resolver = new Resolver(ctx, peer);
    List<ReplRules.Check> checks =
        ReplRules.check(
            source, secondary, target, primary, args.bool("online_seed", true), resolver::same);
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> table = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (ReplRules.Check c : checks) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("rule", c.rule());
      row.put("ok", c.ok());
      if (!c.ok()) {
        row.put("problem", c.problem());
        problems.add(c.problem());
      }
      rows.add(row);
      table.add((c.ok() ? "ok   " : "FAIL ") + c.rule() + (c.ok() ? "" : ": " + c.problem()));
    }
    Map<String, Object> data =
        TaskResult.data("checks", rows, "table", table, "problems", problems);
    rendered.ifPresent(r -> data.put("rendered", r));
    if (!problems.isEmpty()) {
      return new TaskResult.Failed(
          "replication properties will not work on OpenEdge: " + String.join("; ", problems), data);
    }
    if (rendered.isPresent()) {
      return new TaskResult.Changed(
          rendered.get() + "; all " + checks.size() + " rules hold", data);
    }
    return new TaskResult.Ok(
        "replication properties of "
            + peer
            + " (source) and "
            + ctx.host()
            + " (target) agree: "
            + checks.size()
            + " rules",
        data);
  }

  /**
   * Writes both files from the inventory where they differ from what it renders, each old file
   * copied beside it first ({@code <file>.baton-<UTC time>}). Returns what it did, or empty when
   * both already were as rendered. In check mode it only says what it would write.
   */
  private static Optional<String> render(
      ModuleContext ctx,
      Args args,
      DbPath db,
      DbPath peerDb,
      String peer,
      HostFiles here,
      HostFiles there,
      String targetFile,
      String sourceFile)
      throws Exception {
    String agent = args.string("agent_name", "agent1");
    if (!agent.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("agent_name may hold letters, digits, '_' and '-' only");
    }
    long defer = args.integer("defer_agent_startup", 60);
    if (defer < 5 || defer > 10080) {
      throw new IllegalArgumentException("defer_agent_startup must be 5 to 10080 minutes");
    }
    String primaryAddress =
        Optional.ofNullable(args.string("address"))
            .orElse(String.valueOf(ctx.vars().getOrDefault("ansible_host", ctx.host())));
    Map<String, Object> peerVars = ctx.varsOf(peer);
    String secondaryAddress =
        Optional.ofNullable(args.string("peer_address"))
            .orElse(
                String.valueOf(
                    peerVars == null ? peer : peerVars.getOrDefault("ansible_host", peer)));
    String forSource =
        ReplRender.file(peerDb.name(), db.name(), primaryAddress, replPort(args, ""), agent, defer);
    String forTarget =
        ReplRender.file(
            db.name(), peerDb.name(), secondaryAddress, replPort(args, "peer_"), agent, defer);
    String stamp =
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC)
            .format(java.time.Instant.now());
    List<String> written = new ArrayList<>();
    written.addAll(renderOne(ctx, there, peer + ":" + sourceFile, sourceFile, forSource, stamp));
    written.addAll(
        renderOne(ctx, here, ctx.host() + ":" + targetFile, targetFile, forTarget, stamp));
    return written.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", written));
  }

  private static List<String> renderOne(
      ModuleContext ctx, HostFiles files, String name, String path, String text, String stamp)
      throws Exception {
    Optional<String> old = files.read(path);
    if (old.isPresent() && old.get().equals(text)) {
      return List.of();
    }
    if (ctx.checkMode()) {
      return List.of("would write " + name);
    }
    if (old.isPresent()) {
      files.write(path + ".baton-" + stamp, old.get());
    }
    files.write(path, text);
    return List.of(
        "wrote " + name + (old.isPresent() ? " (the old one kept as .baton-" + stamp + ")" : ""));
  }

  /**
   * The port a control agent must name to reach that side: {@code repl_port} where the inventory
   * gives one (port forwarding, a relay), else the broker's {@code port}; {@code side} is "" for
   * the primary, "peer_" for the secondary.
   */
  private static String replPort(Args args, String side) throws TaskFailure {
    return port(args, args.string(side + "repl_port") != null ? side + "repl_port" : side + "port");
  }

  private static String port(Args args, String key) throws TaskFailure {
    long p = args.integer(key, -1);
    if (p < 1 || p > 65535) {
      throw args.bad(key + " must be a port number, not '" + args.string(key) + "'");
    }
    return Long.toString(p);
  }

  /**
   * What reaches a host: the address its peer's replication uses where the inventory says so
   * ({@code openedge_repl_address}: NAT, a relay, a virtual IP), its ansible_host, its name.
   */
  /**
   * The addresses a host has itself ({@code ip -o addr}, else {@code hostname -I}): the jump host
   * often reaches a database host on another network (management, a relay, a tunnel) than the
   * replication uses, so a properties host that resolves to one of these reaches that host too.
   */
  private static Set<String> ownAddresses(Utilities.Exec exec) {
    Set<String> out = new LinkedHashSet<>();
    try {
      ExecResult r =
          exec.exec(
              "ip -o addr show 2>/dev/null | awk '{print $4}' | cut -d/ -f1; hostname -I 2>/dev/null;"
                  + " true",
              ExecOptions.DEFAULT);
      for (String w : r.stdout().split("\\s+")) {
        if (!w.isBlank()) {
          out.add(w.strip());
        }
      }
    } catch (Exception e) {
      // Unknown: only the inventory's names and addresses count.
    }
    return out;
  }

  private static Set<String> with(Set<String> a, Set<String> b) {
    Set<String> out = new LinkedHashSet<>(a);
    out.addAll(b);
    return out;
  }

  private static Set<String> addresses(String name, Map<String, Object> vars, String replAddress) {
    Set<String> out = new LinkedHashSet<>();
    if (replAddress != null) {
      out.add(replAddress.strip());
    }
    Object h = vars == null ? null : vars.get("ansible_host");
    if (h != null && !h.toString().isBlank()) {
      out.add(h.toString().strip());
    }
    out.add(name);
    return out;
  }

  /** Names resolved on the secondary, once each. */
  private static final class Resolver {
    private final ModuleContext ctx;
    private final String on;
    private final Map<String, Set<String>> cache = new HashMap<>();

    Resolver(ModuleContext ctx, String on) {
      this.ctx = ctx;
      this.on = on;
    }

    boolean same(String name, Collection<String> addresses) {
      for (String a : addresses) {
        if (a.equalsIgnoreCase(name)) {
          return true;
        }
      }
      Set<String> mine = resolve(name);
      for (String a : addresses) {
        for (String ip : resolve(a)) {
          if (mine.contains(ip)) {
            return true;
          }
        }
      }
      // Any 127.x reaches a host that has a loopback interface (a lab of hosts on one machine).
      return mine.stream().anyMatch(Resolver::loopback)
          && addresses.stream().anyMatch(Resolver::loopback);
    }

    private static boolean loopback(String ip) {
      return ip.startsWith("127.") || ip.equals("::1");
    }

    private Set<String> resolve(String name) {
      return cache.computeIfAbsent(
          name.toLowerCase(Locale.ROOT),
          n -> {
            Set<String> ips = new LinkedHashSet<>();
            if (n.matches("[0-9.]+|[0-9a-f:]+")) {
              ips.add(n);
              return ips;
            }
            try {
              ExecResult r =
                  ctx.remoteOf(on)
                      .exec(
                          "getent hosts " + ShellQuote.quote(n) + " || true", ExecOptions.DEFAULT);
              for (String line : r.stdout().split("\n")) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 0 && !f[0].isEmpty()) {
                  ips.add(f[0]);
                }
              }
            } catch (Exception e) {
              // Unresolvable here: only a literal match counts.
            }
            return ips;
          });
    }
  }
}

package dev.baton.openedge;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.OnResume;
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
        Map.of(
            "db", ArgSpec.required(Type.PATH),
            "port", ArgSpec.required(Type.ANY),
            "peer_host", ArgSpec.required(Type.STRING),
            "peer_db", ArgSpec.required(Type.PATH),
            "peer_port", ArgSpec.required(Type.ANY),
            "address", ArgSpec.optional(Type.STRING, null),
            "peer_address", ArgSpec.optional(Type.STRING, null),
            "online_seed", ArgSpec.optional(Type.BOOL, true)));
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
            addresses(ctx.host(), ctx.vars(), args.string("address")),
            db.name(),
            port(args, "port"));
    ReplRules.Side secondary =
        new ReplRules.Side(
            peer,
            addresses(peer, ctx.varsOf(peer), args.string("peer_address")),
            peerDb.name(),
            port(args, "peer_port"));
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
    if (!problems.isEmpty()) {
      return new TaskResult.Failed(
          "replication properties will not work on OpenEdge: " + String.join("; ", problems), data);
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

  private static String port(Args args, String key) {
    long p = args.number(key, -1);
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException(
          key + " must be a port number, not '" + args.string(key) + "'");
    }
    return Long.toString(p);
  }

  /**
   * What reaches a host: the address its peer's replication uses where the inventory says so
   * ({@code openedge_repl_address}: NAT, a relay, a virtual IP), its ansible_host, its name.
   */
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
      return false;
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

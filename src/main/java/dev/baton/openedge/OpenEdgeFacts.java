package dev.baton.openedge;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Args;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.OnResume;
import dev.baton.modules.TaskResult;
import java.util.Map;

/**
 * {@code openedge_facts}: what a database is right now (exists, served, replication role, dsrutil
 * status codes). Read-only; the result's {@code openedge} key holds the facts.
 */
final class OpenEdgeFacts extends OpenEdgeModule {
  /**
   * Facts are read again on resume: reading changes nothing, and a resumed run must decide on the
   * database as it is now, not as the earlier run saw it (an operator who fixed what a check
   * refused resumes to have it checked again).
   */
  @Override
  public OnResume onResume() {
    return OnResume.CHECK_AGAIN;
  }

  @Override
  public String name() {
    return "openedge_facts";
  }

  @Override
  public ArgSpec args() {
    return ArgSpec.of(
        Map.of("db", ArgSpec.required(Type.PATH), "startup", ArgSpec.optional(Type.BOOL, false)));
  }

  @Override
  TaskResult execute(ModuleContext ctx, Args args) throws Exception {
    DbPath db = DbPath.of(args.required("db"));
    DbFacts f = probe(ctx).read(db, true);
    Map<String, Object> facts = f.toMap();
    facts.put("data_bytes", f.exists() ? dataBytes(ctx, db) : 0L);
    // One pass over the broker's .lg, which can be large on a production host: only when asked.
    facts.put("startup", args.bool("startup", false) && f.served() ? startup(ctx, db) : Map.of());
    facts.put("release", release(ctx));
    return new TaskResult.Ok(f.summary(), TaskResult.data("openedge", facts));
  }

  /**
   * The OpenEdge release of the install the utilities run from ({@code $DLC/version}, "OpenEdge
   * Release 12.8 ..."): before 12.2 a transition restarts the brokers and the target's startup
   * parameters must match its source's. Null when the file cannot be read.
   */
  static String release(ModuleContext ctx) throws Exception {
    Object dlc = ctx.vars().get("openedge_dlc");
    if (dlc == null) {
      return null;
    }
    var r = ctx.exec("cat -- " + dev.baton.ssh.ShellQuote.quote(dlc + "/version") + " 2>/dev/null");
    var m = java.util.regex.Pattern.compile("Release\\s+(\\d+\\.\\d+[\\w.]*)").matcher(r.stdout());
    return m.find() ? m.group(1) : null;
  }

  /**
   * The startup parameters the running broker logged (-L, -n, -Mn, -Ma, -Maxxids): what a target
   * seeded from this db must be started with at least.
   */
  private static Map<String, Object> startup(ModuleContext ctx, DbPath db) throws Exception {
    var r = ctx.exec(StartupArgs.readCommand(dev.baton.ssh.ShellQuote.quote(db.file(".lg"))));
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    StartupArgs.fromLog(r.stdout()).forEach((k, v) -> m.put(k, v));
    return m;
  }

  /**
   * Bytes in the data extents beside the db ({@code <db>.dN}, {@code <db>_A.dN}): an upper bound of
   * what a full backup holds, for checking free space before one is taken. Read with {@code wc -c},
   * which every Unix has.
   */
  private static long dataBytes(ModuleContext ctx, DbPath db) throws Exception {
    String name = dev.baton.ssh.ShellQuote.quote(db.name());
    var r =
        ctx.exec(
            "cd "
                + dev.baton.ssh.ShellQuote.quote(db.dir())
                + " && for f in "
                + name
                + ".d* "
                + name
                + "_*.d*; do if [ -f \"$f\" ]; then wc -c < \"$f\"; fi; done");
    if (!r.ok()) {
      throw new IllegalArgumentException(
          "sizing the data extents of " + db + " failed: " + r.stderr().strip());
    }
    long sum = 0;
    for (String line : r.stdout().split("\n")) {
      if (!line.isBlank()) {
        sum += Long.parseLong(line.strip());
      }
    }
    return sum;
  }
}

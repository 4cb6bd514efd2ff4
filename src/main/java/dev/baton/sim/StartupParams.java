package dev.baton.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shared-memory startup parameters a broker runs with, as {@code proserve} takes them and the
 * broker logs them to {@code <db>.lg} between "Multi-user session begin. (333)" and "Database
 * connections have been enabled. (10471)" [doc: KB 19146], with the numbers public log parsers know
 * (4239 -B, 4241 -L, 4257 -Ma, 4258 -Mn, 4260 -n) [seen: ParseDbLogs.p]; -Maxxids has no public
 * number (16101 [sim]). Values not given take the simulator's defaults [sim].
 *
 * <p>From 11.7 to 12.1 a target whose -L, -n, -Maxxids or -n + -Mn are below its source's does not
 * start its agent: (15771) [doc: KB 000035271, P186998]; since 12.2 that is no longer required.
 */
record StartupParams(Map<String, Long> values) {
  /** The parameters modelled, with the simulator's defaults [sim]. */
  static final Map<String, Long> DEFAULTS =
      Map.of(
          "-B",
          3000L,
          "-L",
          8192L,
          "-Ma",
          5L,
          "-Mn",
          4L,
          "-n",
          20L,
          "-Maxxids",
          0L,
          "-aistall",
          0L);

  private static final Map<String, String[]> LOG_LINES =
      Map.of(
          "-B", new String[] {"4239", "Number of Database Buffers (-B)"},
          "-L", new String[] {"4241", "Current Size of Lock Table (-L)"},
          "-Ma", new String[] {"4257", "Maximum Number of Clients Per Server (-Ma)"},
          "-Mn", new String[] {"4258", "Maximum Number of Servers (-Mn)"},
          "-n", new String[] {"4260", "Maximum Number of Users (-n)"},
          "-Maxxids", new String[] {"16101", "Maximum JTA Transactions (-Maxxids)"});

  /** A parameter with a numeric value (-aistall is a switch). */
  static boolean modelled(String flag) {
    return DEFAULTS.containsKey(flag) && !flag.equals("-aistall");
  }

  /**
   * {@code -aistall}: with no EMPTY after-image extent to switch to, the database stalls until one
   * is emptied, instead of shutting down [doc: KB P124750].
   */
  boolean aiStall() {
    return values.getOrDefault("-aistall", 0L) != 0;
  }

  static StartupParams of(Map<String, Long> given) {
    Map<String, Long> v = new LinkedHashMap<>(DEFAULTS);
    v.putAll(given);
    return new StartupParams(v);
  }

  /** {@code -n=30,-L=10000}, for the broker's command line and the replication handshake. */
  String encode() {
    StringBuilder b = new StringBuilder();
    values.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return b.toString();
  }

  static StartupParams decode(String text) {
    Map<String, Long> m = new LinkedHashMap<>();
    if (text != null && !text.isBlank()) {
      for (String kv : text.split(",")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
        }
      }
    }
    return of(m);
  }

  /** Writes the startup block of the .lg, after 333. */
  void log(DbPath db) {
    for (String flag : new String[] {"-B", "-L", "-Ma", "-Mn", "-n", "-Maxxids"}) {
      String[] line = LOG_LINES.get(flag);
      DbLog.write(db, "BROKER", line[1] + ": " + values.get(flag) + ".", Integer.parseInt(line[0]));
    }
  }

  /**
   * The first parameter below the source's, as 15771 words it, or null. -n + -Mn is compared as a
   * sum, reported as -Mn [doc: KB 000035271 lists -L, -n, -Mn].
   */
  String belowSource(StartupParams source) {
    for (String flag : new String[] {"-L", "-n", "-Maxxids"}) {
      if (values.get(flag) < source.values.get(flag)) {
        return flag;
      }
    }
    if (values.get("-n") + values.get("-Mn") < source.values.get("-n") + source.values.get("-Mn")) {
      return "-Mn";
    }
    return null;
  }
}

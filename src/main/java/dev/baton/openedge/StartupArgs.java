package dev.baton.openedge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared-memory startup parameters a replication target must not have below its source's: -L,
 * -n, -Maxxids and the sum -n + -Mn; from 11.7 to 12.1 the agent does not start otherwise (15771)
 * [doc: "Source and target architecture requirements"; KB 000035271, P186998]. -Ma goes along (KB
 * 000057059 asks for the same values). Read from the source broker's {@code <db>.lg}, whose startup
 * block logs each as {@code ... (-L): 8192.} [doc: KB 19146].
 */
final class StartupArgs {
  static final List<String> FLAGS = List.of("-L", "-n", "-Mn", "-Ma", "-Maxxids");
  private static final Pattern LOGGED =
      Pattern.compile("\\((-L|-n|-Mn|-Ma|-Maxxids)\\)\\s*:\\s*(\\d+)");

  private StartupArgs() {}

  /**
   * A shell line printing the startup lines of the last broker start in {@code lg} (after the last
   * "Multi-user session begin. (333)"): one pass, however long the log.
   */
  static String readCommand(String quotedLg) {
    return "awk '/\\(333\\)/{n=0} /\\((-L|-n|-Mn|-Ma|-Maxxids)\\) *: */{a[++n]=$0}"
        + " END{for(i=1;i<=n;i++)print a[i]}' "
        + quotedLg
        + " 2>/dev/null; true";
  }

  /** Flag to value from the lines {@link #readCommand} printed. */
  static Map<String, Long> fromLog(String lines) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String line : lines.split("\n")) {
      Matcher x = LOGGED.matcher(line);
      if (x.find()) {
        m.put(x.group(1), Long.parseLong(x.group(2)));
      }
    }
    return m;
  }

  /** The modelled flags among proserve words ({@code -L 10000 -B 500 ...}). */
  static Map<String, Long> fromWords(List<String> words) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < words.size(); i++) {
      if (FLAGS.contains(words.get(i))) {
        try {
          m.put(words.get(i), Long.parseLong(words.get(i + 1)));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              words.get(i) + " needs a number, not '" + words.get(i + 1) + "'");
        }
      }
    }
    return m;
  }

  /** The source's values, for each flag {@code own} does not set itself, as proserve words. */
  static List<String> missingFrom(Map<String, Long> own, Map<String, Long> source) {
    List<String> out = new ArrayList<>();
    for (String f : FLAGS) {
      if (!own.containsKey(f) && source.containsKey(f)) {
        out.add(f);
        out.add(Long.toString(source.get(f)));
      }
    }
    return out;
  }

  /** Why {@code own} (what the target will run with) is below {@code source}, or null. */
  static String belowSource(Map<String, Long> own, Map<String, Long> source) {
    for (String f : List.of("-L", "-n", "-Maxxids")) {
      if (own.containsKey(f) && source.containsKey(f) && own.get(f) < source.get(f)) {
        return f + " " + own.get(f) + ", below the source's " + source.get(f);
      }
    }
    long ownSum = own.getOrDefault("-n", 0L) + own.getOrDefault("-Mn", 0L);
    long srcSum = source.getOrDefault("-n", 0L) + source.getOrDefault("-Mn", 0L);
    if (own.containsKey("-Mn") && source.containsKey("-Mn") && ownSum < srcSum) {
      return "-n + -Mn " + ownSum + ", below the source's " + srcSum;
    }
    return null;
  }

  /** Numbers from a facts map (strings or numbers, as YAML and templates hand them over). */
  static Map<String, Long> fromMap(Map<String, String> m) {
    Map<String, Long> out = new LinkedHashMap<>();
    m.forEach(
        (k, v) -> {
          if (FLAGS.contains(k)) {
            out.put(k, Long.parseLong(v.strip()));
          }
        });
    return out;
  }
}

package dev.baton.openedge;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A source's after-image extents, as {@code rfutil db -C aimage extent list} reports them (number,
 * status, type, path, size and space used in KB, start [doc]), and whether a seed can finish before
 * they run out. The seed's online backup switches extents [doc]; from then on every note the source
 * writes stays in LOCKED extents until the new target has applied it [doc: "After-image extent
 * states"]. Switches go through the extents in order and stop at the first one that is not EMPTY,
 * where the source stalls (the target shows 3054) or shuts down [doc: KB P124750]. Pure: the module
 * runs the utility, this class only reads and judges.
 */
final class AiExtents {
  private AiExtents() {}

  /** One extent; {@code sizeKb} is 0 for a variable extent. */
  record Extent(
      int number,
      String status,
      boolean fixed,
      String path,
      long sizeKb,
      long usedKb,
      String start) {
    boolean empty() {
      return status.equalsIgnoreCase("empty");
    }

    boolean busy() {
      return status.equalsIgnoreCase("busy");
    }

    Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("number", number);
      m.put("status", status.toUpperCase(Locale.ROOT));
      m.put("type", fixed ? "fixed" : "variable");
      m.put("path", path);
      m.put("size_kb", sizeKb);
      m.put("used_kb", usedKb);
      return m;
    }
  }

  /** The blocks of {@code extent list}, "Key: value" lines separated by blank lines. */
  static List<Extent> parse(String text) {
    List<Extent> out = new ArrayList<>();
    Map<String, String> block = new LinkedHashMap<>();
    for (String raw : (text + "\n\n").split("\n", -1)) {
      String line = raw.strip();
      int colon = line.indexOf(':');
      if (line.isEmpty()) {
        if (block.containsKey("extent")) {
          out.add(extent(block));
        }
        block.clear();
      } else if (colon > 0) {
        block.put(
            line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).strip());
      }
    }
    return out;
  }

  private static Extent extent(Map<String, String> b) {
    return new Extent(
        (int) number(b.get("extent")),
        b.getOrDefault("status", "unknown"),
        b.getOrDefault("type", "").toLowerCase(Locale.ROOT).startsWith("fixed"),
        b.getOrDefault("path", "?"),
        number(b.get("size")),
        number(b.get("used")),
        b.getOrDefault("start", ""));
  }

  private static long number(String v) {
    try {
      return v == null ? 0 : Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * How fast the source writes notes, in KB/s, from the BUSY extent's space used since it began
   * (its Start, in the host's local time, against {@code hostNow}); null when it cannot be told.
   */
  static Double measuredRate(List<Extent> extents, LocalDateTime hostNow) {
    for (Extent e : extents) {
      if (e.busy() && hostNow != null) {
        LocalDateTime start = ctime(e.start());
        if (start == null) {
          return null;
        }
        long s = Duration.between(start, hostNow).toSeconds();
        return s <= 0 ? null : (double) e.usedKb() / s;
      }
    }
    return null;
  }

  private static LocalDateTime ctime(String text) {
    try {
      return LocalDateTime.parse(
          text.strip().replaceAll("\\s+", " "),
          DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.US));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Judges the extents of {@code where} (host:db) for a seed: the online backup needs the extent
   * after the BUSY one EMPTY; the EMPTY run from there must hold what the source writes in {@code
   * windowSeconds} at {@code rateKbPerSecond} (null: unknown). A variable extent in the run holds
   * anything [sim: its file system is the real limit, not judged here]. With {@code seedTaken} the
   * switch is behind (a resumed run): the BUSY extent's room counts and no switch is needed.
   */
  static List<ReplRules.Check> judge(
      String where,
      List<Extent> extents,
      Double rateKbPerSecond,
      String rateSource,
      long windowSeconds,
      boolean seedTaken) {
    List<ReplRules.Check> out = new ArrayList<>();
    String switchRule = "the seed's online backup can switch after-image extents";
    String spaceRule = "the source's after-image extents outlast the seed";
    if (extents.isEmpty()) {
      String p =
          where
              + ": after-imaging is not enabled (rfutil aimage extent list is empty); a source needs it";
      out.add(new ReplRules.Check(switchRule, p));
      return out;
    }
    int busy = -1;
    for (int i = 0; i < extents.size(); i++) {
      if (extents.get(i).busy()) {
        busy = i;
      }
    }
    if (busy >= 0 && seedTaken) {
      out.add(new ReplRules.Check(switchRule, null));
      List<Extent> room = new ArrayList<>(List.of(extents.get(busy)));
      room.addAll(emptyAfter(extents, busy));
      out.add(space(where, room, true, rateKbPerSecond, rateSource, windowSeconds, spaceRule));
      return out;
    }
    if (busy < 0 || extents.size() < 2) {
      out.add(
          new ReplRules.Check(
              switchRule,
              where
                  + ": "
                  + extents.size()
                  + " after-image extent(s), none to switch to; the online backup needs at least two"));
      return out;
    }
    List<Extent> run = emptyAfter(extents, busy);
    if (run.isEmpty()) {
      Extent next = extents.get((busy + 1) % extents.size());
      out.add(
          new ReplRules.Check(
              switchRule,
              where
                  + ": after-image extent "
                  + next.number()
                  + " ("
                  + next.path()
                  + ") is "
                  + next.status().toUpperCase(Locale.ROOT)
                  + ", must be EMPTY for the seed's switch ("
                  + summary(extents)
                  + "); LOCKED extents empty once a target has applied them"));
      return out;
    }
    out.add(new ReplRules.Check(switchRule, null));
    out.add(space(where, run, false, rateKbPerSecond, rateSource, windowSeconds, spaceRule));
    return out;
  }

  /** The EMPTY extents the switches after {@code busy} go through, in order. */
  private static List<Extent> emptyAfter(List<Extent> extents, int busy) {
    List<Extent> run = new ArrayList<>();
    for (int k = 1; k < extents.size(); k++) {
      Extent e = extents.get((busy + k) % extents.size());
      if (!e.empty()) {
        break;
      }
      run.add(e);
    }
    return run;
  }

  /**
   * Whether {@code run} (the first one BUSY when {@code withBusy}) holds the seed window's notes.
   */
  private static ReplRules.Check space(
      String where,
      List<Extent> run,
      boolean withBusy,
      Double rateKbPerSecond,
      String rateSource,
      long windowSeconds,
      String rule) {
    if (run.stream().anyMatch(e -> !e.fixed())) {
      return new ReplRules.Check(rule, null);
    }
    long capacity = 0;
    for (Extent e : run) {
      capacity += e.busy() ? Math.max(0, e.sizeKb() - e.usedKb()) : e.sizeKb();
    }
    String what =
        (withBusy ? "the BUSY extent's room and " : "")
            + (withBusy ? run.size() - 1 : run.size())
            + " EMPTY fixed extent(s)";
    if (rateKbPerSecond == null) {
      return new ReplRules.Check(
          rule,
          where
              + ": "
              + what
              + " hold "
              + capacity
              + " KB, and the source's write rate is unknown; set openedge_ai_rate (KB/s)");
    }
    long need = (long) Math.ceil(rateKbPerSecond * windowSeconds);
    return new ReplRules.Check(
        rule,
        need <= capacity
            ? null
            : where
                + ": "
                + what
                + " hold "
                + capacity
                + " KB, but "
                + String.format(Locale.ROOT, "%.1f", rateKbPerSecond)
                + " KB/s ("
                + rateSource
                + ") for the seed window of "
                + windowSeconds
                + " s (seed_window) writes "
                + need
                + " KB: the source would stall (3054) before the target catches up;"
                + " add after-image extents or shorten the window");
  }

  /** "1 LOCKED, 2 LOCKED, 3 BUSY". */
  static String summary(List<Extent> extents) {
    List<String> parts = new ArrayList<>();
    for (Extent e : extents) {
      parts.add(e.number() + " " + e.status().toUpperCase(Locale.ROOT));
    }
    return String.join(", ", parts);
  }
}

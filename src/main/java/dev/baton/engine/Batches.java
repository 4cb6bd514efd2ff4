package dev.baton.engine;

import dev.baton.core.Mark;
import java.util.ArrayList;
import java.util.List;

/** Splits a play's hosts into {@code serial} batches: sizes or percentages, the last repeating. */
final class Batches {
  private Batches() {}

  static List<List<String>> of(List<String> serial, List<String> hosts, Mark mark) {
    if (serial.isEmpty()) {
      return List.of(hosts);
    }
    List<List<String>> out = new ArrayList<>();
    int i = 0;
    int step = 0;
    while (i < hosts.size()) {
      String spec = serial.get(Math.min(step, serial.size() - 1)).trim();
      int size = size(spec, hosts.size(), mark);
      out.add(hosts.subList(i, Math.min(hosts.size(), i + size)));
      i += size;
      step++;
    }
    return out;
  }

  private static int size(String spec, int total, Mark mark) {
    try {
      if (spec.endsWith("%")) {
        double pct = Double.parseDouble(spec.substring(0, spec.length() - 1));
        return Math.max(1, (int) Math.floor(total * pct / 100.0));
      }
      int n = Integer.parseInt(spec);
      return n <= 0 ? total : n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          mark + ": serial must be a number or a percentage, got '" + spec + "'");
    }
  }
}

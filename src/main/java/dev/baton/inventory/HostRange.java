package dev.baton.inventory;

import java.util.ArrayList;
import java.util.List;

/**
 * Expands Ansible host ranges: {@code db[01:20].example.com} (leading zeros kept), {@code
 * node-[a:f]}, steps {@code [1:10:2]}, several ranges in one name.
 */
final class HostRange {
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private HostRange() {}

  /** The names a pattern stands for, in order; the pattern itself when it has no range. */
  static List<String> expand(String pattern) {
    List<String> out = new ArrayList<>();
    expandInto(pattern, out);
    return out;
  }

  private static void expandInto(String name, List<String> out) {
    int open = name.indexOf('[');
    if (open < 0) {
      out.add(name);
      return;
    }
    int close = name.indexOf(']', open);
    if (close < 0) {
      throw new IllegalArgumentException("host range in '" + name + "' has no closing ']'");
    }
    String head = name.substring(0, open);
    String tail = name.substring(close + 1);
    String[] bounds = name.substring(open + 1, close).split(":", -1);
    if (bounds.length != 2 && bounds.length != 3) {
      throw new IllegalArgumentException(
          "host range must be begin:end or begin:end:step, got [" + String.join(":", bounds) + "]");
    }
    String beg = bounds[0].isEmpty() ? "0" : bounds[0];
    String end = bounds[1];
    if (end.isEmpty()) {
      throw new IllegalArgumentException("host range must specify end value");
    }
    int step = bounds.length == 3 ? parse(bounds[2], "step") : 1;
    if (step <= 0) {
      throw new IllegalArgumentException("host range step must be a positive number");
    }
    int begLetter = beg.length() == 1 ? LETTERS.indexOf(beg) : -1;
    int endLetter = end.length() == 1 ? LETTERS.indexOf(end) : -1;
    if (begLetter >= 0 && endLetter >= 0) {
      if (begLetter > endLetter) {
        throw new IllegalArgumentException("host range must have begin <= end");
      }
      for (int i = begLetter; i <= endLetter; i += step) {
        expandInto(head + LETTERS.charAt(i) + tail, out);
      }
      return;
    }
    int width = 0;
    if (beg.charAt(0) == '0' && beg.length() > 1) {
      width = beg.length();
      if (width != end.length()) {
        throw new IllegalArgumentException(
            "host range must specify equal-length begin and end formats");
      }
    }
    int from = parse(beg, "begin");
    int to = parse(end, "end");
    for (int i = from; i <= to; i += step) {
      String n = Integer.toString(i);
      if (n.length() < width) {
        n = "0".repeat(width - n.length()) + n;
      }
      expandInto(head + n + tail, out);
    }
  }

  private static int parse(String s, String what) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("host range " + what + " '" + s + "' is not a number");
    }
  }
}

package dev.baton.ssh;

import java.util.List;
import java.util.stream.Collectors;

/**
 * POSIX shell quoting. Every value that reaches a remote shell goes through here, so a database
 * name like {@code a b;$(rm -rf /)} arrives as one literal argument.
 */
public final class ShellQuote {
  private ShellQuote() {}

  /** Quotes one word: safe characters pass as they are, anything else goes in single quotes. */
  public static String quote(String word) {
    if (word.isEmpty()) {
      return "''";
    }
    if (word.chars().allMatch(ShellQuote::safe)) {
      return word;
    }
    return "'" + word.replace("'", "'\"'\"'") + "'";
  }

  /** Quotes each word and joins them with spaces into one command line. */
  public static String join(List<String> argv) {
    return argv.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
  }

  private static boolean safe(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "@%+=:,./_-".indexOf(c) >= 0;
  }
}

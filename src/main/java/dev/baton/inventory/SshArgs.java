package dev.baton.inventory;

import dev.baton.core.Shlex;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What baton can honour of the OpenSSH client options an inventory passes in {@code
 * ansible_ssh_common_args} / {@code ansible_ssh_extra_args} / {@code ansible_ssh_args}: a jump host
 * ({@code -J}, {@code -o ProxyJump=}), port ({@code -p}, {@code -o Port=}), user ({@code -l},
 * {@code -o User=}), key ({@code -i}, {@code -o IdentityFile=}) and connect timeout ({@code -o
 * ConnectTimeout=}). Everything else is named in a note the operator sees, never dropped silently.
 * The first value of an option wins, as in OpenSSH.
 *
 * @param notes one line per option baton does not act on
 */
record SshArgs(
    String proxyJump,
    Integer port,
    String user,
    String identityFile,
    Integer connectTimeout,
    List<String> notes) {

  /** Options that only tune OpenSSH's own process or session and change nothing baton does. */
  private static final List<String> HARMLESS =
      List.of(
          "controlmaster",
          "controlpersist",
          "controlpath",
          "serveraliveinterval",
          "serveralivecountmax",
          "compression",
          "loglevel",
          "forwardagent");

  static SshArgs parse(String text) throws Shlex.SplitException {
    Builder b = new Builder();
    List<String> words = Shlex.words(text);
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      String next = i + 1 < words.size() ? words.get(i + 1) : null;
      if (w.startsWith("-o")) {
        String opt = w.length() > 2 ? w.substring(2) : next;
        if (w.length() == 2) {
          i++;
        }
        if (opt != null) {
          b.option(opt);
        }
      } else if (w.length() >= 2 && "JplFi".indexOf(w.charAt(1)) >= 0 && w.charAt(0) == '-') {
        String value = w.length() > 2 ? w.substring(2) : next;
        if (w.length() == 2) {
          i++;
        }
        b.flag(w.charAt(1), value);
      } else {
        b.notes.add("'" + w + "' is not acted on");
      }
    }
    return new SshArgs(b.proxyJump, b.port, b.user, b.identity, b.timeout, b.notes);
  }

  private static final class Builder {
    String proxyJump;
    Integer port;
    String user;
    String identity;
    Integer timeout;
    final List<String> notes = new ArrayList<>();

    void flag(char f, String value) {
      if (value == null) {
        notes.add("-" + f + " has no value");
        return;
      }
      switch (f) {
        case 'J' -> proxyJump = proxyJump == null ? value : proxyJump;
        case 'p' -> port = port == null ? number("-p", value) : port;
        case 'l' -> user = user == null ? value : user;
        case 'i' -> identity = identity == null ? value : identity;
        default -> notes.add("-F " + value + " is not read: put its settings in ~/.ssh/config");
      }
    }

    void option(String opt) {
      int eq = opt.indexOf('=');
      int sp = opt.indexOf(' ');
      int cut = eq < 0 ? sp : sp < 0 ? eq : Math.min(eq, sp);
      if (cut < 0) {
        notes.add("-o " + opt + " has no value");
        return;
      }
      String key = opt.substring(0, cut).strip().toLowerCase(Locale.ROOT);
      String value = opt.substring(cut + 1).strip();
      switch (key) {
        case "proxyjump" -> proxyJump = proxyJump == null ? value : proxyJump;
        case "port" -> port = port == null ? number("Port", value) : port;
        case "user" -> user = user == null ? value : user;
        case "identityfile" -> identity = identity == null ? value : identity;
        case "connecttimeout" ->
            timeout = timeout == null ? number("ConnectTimeout", value) : timeout;
        default -> {
          if (!HARMLESS.contains(key)) {
            notes.add(
                "-o "
                    + opt
                    + " is not acted on"
                    + (key.equals("stricthostkeychecking") || key.equals("userknownhostsfile")
                        ? " (host keys: baton_known_hosts_file, strict by default)"
                        : key.equals("proxycommand") ? " (use ProxyJump)" : ""));
          }
        }
      }
    }

    private Integer number(String what, String value) {
      try {
        return Integer.valueOf(value.strip());
      } catch (NumberFormatException e) {
        notes.add(what + " " + value + " is not a number");
        return null;
      }
    }
  }
}

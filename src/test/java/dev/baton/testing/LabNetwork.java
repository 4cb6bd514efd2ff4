package dev.baton.testing;

import dev.baton.ssh.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The root-namespace side of an {@link OpenSshHosts} lab: unique name prefixes, the bridge and its
 * private /24. Callers hold the lab lock while choosing, so two runs never pick the same names.
 */
final class LabNetwork {
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

  private LabNetwork() {}

  static void quietIpv6(String link) {
    // No IPv6 on lab links: no duplicate address detection or router solicitations.
    try {
      Files.writeString(Path.of("/proc/sys/net/ipv6/conf", link, "disable_ipv6"), "1");
    } catch (IOException | RuntimeException e) {
      // IPv6 may be compiled out; the lab works without touching it.
    }
  }

  static String freePrefix() {
    String existing =
        Command.check("ip", "netns", "list") + Command.check("ip", "-o", "link", "show");
    SecureRandom random = new SecureRandom();
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    while (true) {
      StringBuilder candidate = new StringBuilder("bt");
      for (int i = 0; i < 5; i++) {
        candidate.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      if (!existing.contains(candidate)) {
        return candidate.toString();
      }
    }
  }

  /** Creates the bridge on a free /24 (controller = .1) and returns the /24's first octets. */
  static String createBridge(String bridge) {
    String chosen = freeSubnet();
    // Bridged host-to-host frames skip iptables: with br_netfilter loaded, a machine whose
    // FORWARD policy is DROP (Docker sets that) would otherwise cut hosts off from each other.
    ExecResult add =
        Command.run(
            TOOL_TIMEOUT,
            List.of(
                "ip",
                "link",
                "add",
                bridge,
                "type",
                "bridge",
                "nf_call_iptables",
                "0",
                "nf_call_ip6tables",
                "0",
                "nf_call_arptables",
                "0"));
    if (!add.ok()) {
      Command.check("ip", "link", "add", bridge, "type", "bridge"); // older kernels/iproute2
    }
    try {
      quietIpv6(bridge);
      Command.check("ip", "addr", "add", chosen + ".1/24", "dev", bridge);
      Command.check("ip", "link", "set", bridge, "up");
      return chosen;
    } catch (RuntimeException e) {
      Command.run(TOOL_TIMEOUT, List.of("ip", "link", "del", bridge));
      throw e;
    }
  }

  static boolean netnsWorks(String prefix) {
    String probe = prefix + "probe";
    if (!Command.run(TOOL_TIMEOUT, List.of("ip", "netns", "add", probe)).ok()) {
      return false;
    }
    Command.run(TOOL_TIMEOUT, List.of("ip", "netns", "del", probe));
    return true;
  }

  private static final Pattern IPV4_NET =
      Pattern.compile("\\b(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?:/(\\d{1,2}))?\\b");

  /** A /24 that overlaps no route (or address) of this machine, so traffic never leaves it. */
  private static String freeSubnet() {
    List<long[]> used = new ArrayList<>();
    String routes = Command.check("ip", "-4", "route", "show", "table", "all");
    for (String line : routes.lines().toList()) {
      String[] words = line.trim().split("\\s+");
      for (int i = 0; i < Math.min(2, words.length); i++) {
        Matcher m = IPV4_NET.matcher(words[i]);
        if (m.matches()) {
          int bits = m.group(5) == null ? 32 : Integer.parseInt(m.group(5));
          if (bits > 0) {
            long address = 0;
            for (int g = 1; g <= 4; g++) {
              address = (address << 8) | Integer.parseInt(m.group(g));
            }
            long mask = bits == 32 ? 0xffffffffL : (0xffffffffL << (32 - bits)) & 0xffffffffL;
            used.add(new long[] {address & mask, mask});
          }
        }
      }
    }
    SecureRandom random = new SecureRandom();
    for (String base : List.of("10.213", "172.30", "192.168")) {
      int start = random.nextInt(256);
      for (int i = 0; i < 256; i++) {
        int third = (start + i) % 256;
        String candidate = base + "." + third;
        String[] octets = candidate.split("\\.");
        long net =
            (Long.parseLong(octets[0]) << 24)
                | (Long.parseLong(octets[1]) << 16)
                | (Long.parseLong(octets[2]) << 8);
        long mask24 = 0xffffff00L;
        boolean overlaps = false;
        for (long[] u : used) {
          long common = u[1] & mask24; // the shorter of the two prefixes
          if ((u[0] & common) == (net & common)) {
            overlaps = true;
            break;
          }
        }
        if (!overlaps) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException("no free private /24 for the lab bridge on this machine");
  }
}

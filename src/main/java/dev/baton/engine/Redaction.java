package dev.baton.engine;

import dev.baton.core.Vault;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps secrets out of everything baton writes. A variable whose name says it is secret (password,
 * passwd, secret, token, private key, vault) is masked wherever it appears, and so is every value
 * of such variables inside other text.
 */
public final class Redaction {
  public static final String MASK = "********";

  /** A name holding any of these, in any case, is secret (pass covers password and passwd). */
  private static final List<String> SECRET_WORDS =
      List.of("pass", "secret", "token", "private_key", "vault", "credential");

  private Redaction() {}

  public static boolean secretName(String name) {
    // A path to a secret (ansible_ssh_private_key_file, vault_password_file) is not one.
    if (name.endsWith("_file")) {
      return false;
    }
    // Not a regex: this runs for every variable of every task; a `.*word.*` pattern, interpreted
    // for most of a short run, was ~0.05 ms of each task (async-profiler, 210 tasks).
    String lower = name.toLowerCase(Locale.ROOT);
    for (String word : SECRET_WORDS) {
      if (lower.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /** A copy of the variables with every secret-named value masked, recursively. */
  public static Map<String, Object> redactVars(Map<String, ?> vars) {
    Map<String, Object> out = new LinkedHashMap<>();
    vars.forEach((k, v) -> out.put(k, secretName(k) ? MASK : redactValue(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object redactValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return redactVars((Map<String, ?>) m);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(redactValue(x)));
      return out;
    }
    return v;
  }

  /** Collects the values of secret-named variables, to scrub them from free text. */
  public static List<String> secretValues(Map<String, ?> vars) {
    List<String> out = new ArrayList<>();
    // Whatever a vault held is a secret, whatever the variable is called.
    Vault.revealed().stream().filter(s -> s.length() >= 3).forEach(out::add);
    vars.forEach(
        (k, v) -> {
          if (secretName(k) && v != null && v.toString().length() >= 3) {
            out.add(v.toString());
          } else if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, ?> sub = (Map<String, ?>) m;
            out.addAll(secretValues(sub));
          }
        });
    return out;
  }

  /** Replaces each secret value inside a text by the mask. */
  public static String scrub(String text, List<String> secrets) {
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, MASK);
    }
    return out;
  }
}

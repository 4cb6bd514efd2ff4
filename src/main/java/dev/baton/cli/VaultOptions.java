package dev.baton.cli;

import dev.baton.core.Vault;
import dev.baton.engine.ExitCodes;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/**
 * The vault secrets of a run, given as to {@code ansible-playbook}: {@code --vault-password-file},
 * {@code --vault-id [label@]source} (a file, or {@code prompt}), {@code --ask-vault-pass}, or
 * {@code $ANSIBLE_VAULT_PASSWORD_FILE} when none is given. A password file that is executable is
 * run and its output is the password; otherwise its content, stripped, is. Passwords are never
 * stored with a run: a resume is given them again.
 */
final class VaultOptions {
  @Option(
      names = "--vault-password-file",
      paramLabel = "FILE",
      description = "A vault password file (run when executable); repeatable.")
  List<Path> passwordFiles = new ArrayList<>();

  @Option(
      names = "--vault-id",
      paramLabel = "[LABEL@]SOURCE",
      description = "A vault id and its password source (a file or 'prompt'); repeatable.")
  List<String> ids = new ArrayList<>();

  @Option(names = "--ask-vault-pass", description = "Ask for the vault password.")
  boolean ask;

  /** Reads every secret given and hands them to {@link Vault#use}, before any file is read. */
  void install() throws BatonCliException {
    List<Vault.Secret> secrets = new ArrayList<>();
    List<String> sources = new ArrayList<>(ids);
    passwordFiles.forEach(f -> sources.add("default@" + f));
    if (ask) {
      sources.add("default@prompt");
    }
    String env = System.getenv("ANSIBLE_VAULT_PASSWORD_FILE");
    if (sources.isEmpty() && env != null && !env.isBlank()) {
      sources.add("default@" + env);
    }
    for (String s : sources) {
      int at = s.indexOf('@');
      String id = at < 0 ? "default" : s.substring(0, at);
      String source = at < 0 ? s : s.substring(at + 1);
      secrets.add(new Vault.Secret(id, password(id, source)));
    }
    Vault.use(secrets);
  }

  private static byte[] password(String id, String source) throws BatonCliException {
    byte[] pw;
    if (source.equals("prompt")) {
      Console console = System.console();
      if (console == null) {
        throw usage("--vault-id " + id + "@prompt / --ask-vault-pass need a terminal");
      }
      char[] typed =
          console.readPassword(
              "%s", id.equals("default") ? "Vault password: " : "Vault password (" + id + "): ");
      pw = typed == null ? new byte[0] : new String(typed).getBytes(StandardCharsets.UTF_8);
    } else {
      pw = fromFile(Path.of(source));
    }
    if (pw.length == 0) {
      throw usage("the vault password from " + source + " is empty");
    }
    return pw;
  }

  private static byte[] fromFile(Path file) throws BatonCliException {
    try {
      if (!Files.isRegularFile(file)) {
        throw usage("vault password file " + file + ": no such file");
      }
      if (Files.isExecutable(file)) {
        Process p =
            new ProcessBuilder(file.toAbsolutePath().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          p.destroyForcibly();
          throw usage("vault password script " + file + " failed (exit " + exit(p) + ")");
        }
        return strip(out);
      }
      return strip(Files.readAllBytes(file));
    } catch (IOException e) {
      throw usage("vault password file " + file + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw usage("interrupted reading vault password file " + file);
    }
  }

  private static String exit(Process p) {
    return p.isAlive() ? "timed out" : String.valueOf(p.exitValue());
  }

  /** Python's bytes.strip(): ASCII whitespace off both ends. */
  private static byte[] strip(byte[] b) {
    int from = 0;
    int to = b.length;
    while (from < to && Character.isWhitespace(b[from])) {
      from++;
    }
    while (to > from && Character.isWhitespace(b[to - 1])) {
      to--;
    }
    return java.util.Arrays.copyOfRange(b, from, to);
  }

  private static BatonCliException usage(String message) {
    return new BatonCliException(ExitCodes.USAGE, message);
  }
}

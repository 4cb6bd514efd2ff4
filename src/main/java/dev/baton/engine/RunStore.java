package dev.baton.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Where runs live on the jump host: {@code $BATON_HOME/runs/<id>/} (default {@code ~/.baton}) holds
 * {@code run.json} (what was asked, so {@code baton resume} can ask it again) and the journal.
 */
public final class RunStore {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What a run was asked to do. Extra vars are stored with secret-named values masked; a resumed
   * run needs those passed again with {@code -e}.
   */
  public record RunRecord(
      String runId,
      String playbook,
      List<String> inventories,
      String limit,
      List<String> tags,
      List<String> skipTags,
      Map<String, Object> extraVars,
      int forks,
      boolean check,
      String journal,
      String resumeOf,
      String rootRunId,
      Map<String, String> connection) {}

  private final Path home;

  public RunStore(Path home) {
    this.home = home;
  }

  /** {@code $BATON_HOME}, or {@code ~/.baton}. */
  public static RunStore fromEnvironment() {
    String env = System.getenv("BATON_HOME");
    Path home =
        env != null && !env.isBlank()
            ? Path.of(env)
            : Path.of(System.getProperty("user.home"), ".baton");
    return new RunStore(home);
  }

  public static String newRunId() {
    byte[] r = new byte[2];
    new SecureRandom().nextBytes(r);
    return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
        + "-"
        + HexFormat.of().formatHex(r);
  }

  public Path dirOf(String runId) {
    return home.resolve("runs").resolve(runId);
  }

  public Path defaultJournal(String runId) {
    return dirOf(runId).resolve("journal.jsonl");
  }

  public void save(RunRecord record) throws IOException {
    Path dir = dirOf(record.runId());
    Files.createDirectories(dir);
    Path tmp = dir.resolve("run.json.tmp");
    JSON.writeValue(tmp.toFile(), record);
    Files.move(
        tmp,
        dir.resolve("run.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The record of an earlier run; IOException with a clear message when there is none. */
  public RunRecord load(String runId) throws IOException {
    if (!runId.matches("[A-Za-z0-9._-]+")) {
      throw new IOException("not a run id: '" + runId + "'");
    }
    Path file = dirOf(runId).resolve("run.json");
    if (!Files.exists(file)) {
      throw new IOException("no run " + runId + " under " + home.resolve("runs"));
    }
    return JSON.readValue(file.toFile(), RunRecord.class);
  }
}

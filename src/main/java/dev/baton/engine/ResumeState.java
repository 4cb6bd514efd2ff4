package dev.baton.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What an earlier run already finished, read back from its journal, so that {@code baton resume}
 * continues each host from its first unfinished step. A step counts as done only when it succeeded
 * (ok, changed or skipped) and its registered values were journaled in full: a {@code no_log} step
 * is run again rather than resumed without its values.
 */
public final class ResumeState {
  /** A finished step: which run did it, its name then, and what it registered. */
  public record Done(String runId, String task, Map<String, Object> registered) {}

  public static final ResumeState NONE = new ResumeState(Map.of());

  private final Map<String, Map<String, Done>> byHost;

  private ResumeState(Map<String, Map<String, Done>> byHost) {
    this.byHost = byHost;
  }

  /** Reads a run's journal (JSON lines written by the journal reporter). */
  public static ResumeState fromJournal(Path journal) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, Map<String, Done>> byHost = new HashMap<>();
    String runId = null;
    try (BufferedReader in = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode e;
        try {
          e = json.readTree(line);
        } catch (IOException torn) {
          // The last line of a killed run may be torn; everything before it still counts.
          break;
        }
        String type = e.path("event").asText();
        if (type.equals("run_started")) {
          runId = e.path("run_id").asText();
        } else if (type.equals("host_result")) {
          String status = e.path("status").asText();
          boolean success =
              status.equals("ok") || status.equals("changed") || status.equals("skipped");
          if (!success || e.path("no_log").asBoolean()) {
            continue;
          }
          String from = e.hasNonNull("resumed_from") ? e.get("resumed_from").asText() : runId;
          @SuppressWarnings("unchecked")
          Map<String, Object> data = json.convertValue(e.path("data"), Map.class);
          byHost
              .computeIfAbsent(e.path("host").asText(), h -> new HashMap<>())
              .put(e.path("path").asText(), new Done(from, e.path("task").asText(), data));
        }
      }
    }
    return new ResumeState(byHost);
  }

  /** The step's earlier completion, when the same task (same place, same name) finished. */
  Done done(String host, String path, String taskName) {
    Done d = byHost.getOrDefault(host, Map.of()).get(path);
    return d != null && d.task().equals(taskName) ? d : null;
  }

  public boolean isEmpty() {
    return byHost.isEmpty();
  }
}

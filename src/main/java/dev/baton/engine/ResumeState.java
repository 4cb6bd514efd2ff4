package dev.baton.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What an earlier run already finished, read back from its journal, so that {@code baton resume}
 * continues each host from its first unfinished step. A step counts as done only when it succeeded
 * (ok, changed or skipped) and its registered values were journaled in full: a {@code no_log} step
 * is run again rather than resumed without its values.
 *
 * <p>It also keeps each host's results in the order they happened, so the engine can tell whether a
 * check (a step of a module that is asked again on resume) was followed by real work: see {@link
 * #workFollowed}.
 */
public final class ResumeState {
  /**
   * A finished step: which run did it, its name then, what it registered, and whether it did work
   * (changed something).
   */
  public record Done(String runId, String task, Map<String, Object> registered, boolean work) {}

  /**
   * One host result in journal order: where, which module, and whether it did work (changed, or
   * restored from an earlier run in which it had changed something).
   */
  private record Step(String path, String module, boolean work) {}

  public static final ResumeState NONE = new ResumeState(Map.of(), Map.of());

  private final Map<String, Map<String, Done>> byHost;
  private final Map<String, List<Step>> stepsByHost;

  private ResumeState(Map<String, Map<String, Done>> byHost, Map<String, List<Step>> stepsByHost) {
    this.byHost = byHost;
    this.stepsByHost = stepsByHost;
  }

  /** Reads a run's journal (JSON lines written by the journal reporter). */
  public static ResumeState fromJournal(Path journal) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, Map<String, Done>> byHost = new HashMap<>();
    Map<String, List<Step>> stepsByHost = new HashMap<>();
    Map<String, String> moduleByPath = new HashMap<>();
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
        } else if (type.equals("task_started")) {
          moduleByPath.put(e.path("path").asText(), e.path("module").asText());
        } else if (type.equals("host_result")) {
          String status = e.path("status").asText();
          String path = e.path("path").asText();
          boolean work =
              e.hasNonNull("resumed_from")
                  ? e.path("resumed_work").asBoolean()
                  : status.equals("changed");
          stepsByHost
              .computeIfAbsent(e.path("host").asText(), h -> new ArrayList<>())
              .add(new Step(path, moduleByPath.getOrDefault(path, ""), work));
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
              .put(path, new Done(from, e.path("task").asText(), data, work));
        }
      }
    }
    return new ResumeState(byHost, stepsByHost);
  }

  /**
   * Whether, after the step at {@code path} finished on {@code host}, the earlier run went on to do
   * work there with a module that {@code resumable} accepts (a backup taken, a database restored,
   * not a lock taken). A check followed by such work guarded that work: asking it again on resume
   * would judge what baton itself has since made (a restored target the run then started is "in
   * use"), not what the check was about.
   */
  public boolean workFollowed(String host, String path, Predicate<String> resumable) {
    List<Step> steps = stepsByHost.getOrDefault(host, List.of());
    int at = -1;
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).path().equals(path)) {
        at = i;
      }
    }
    if (at < 0) {
      return false;
    }
    for (Step later : steps.subList(at + 1, steps.size())) {
      if (later.work() && resumable.test(later.module())) {
        return true;
      }
    }
    return false;
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

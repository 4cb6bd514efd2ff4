package dev.baton.report;

import dev.baton.core.Units;
import dev.baton.engine.Event;
import dev.baton.engine.EventListener;
import dev.baton.engine.HostStats;
import dev.baton.modules.TaskResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The console output an Ansible user recognizes: PLAY and TASK banners, one line per host, PLAY
 * RECAP. On a terminal it adds colour and a live status line (elapsed time, per-host progress with
 * rate and ETA) redrawn in place; elsewhere it prints plain lines only, so logs and scripts can
 * parse them.
 */
public final class ConsoleReporter implements EventListener {
  private static final int WIDTH = 80;

  /** Longest status line drawn on a terminal. */
  private static final int STATUS_WIDTH = 160;

  private static final String RESET = "\u001b[0m";
  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";
  private static final String RED = "\u001b[31m";
  private static final String CYAN = "\u001b[36m";
  private static final String MAGENTA = "\u001b[35m";

  private final PrintStream out;
  private final boolean terminal;
  private final int verbosity;
  private final Map<String, String> moduleByPath = new LinkedHashMap<>();

  /** Host and path of the looping tasks whose items were printed: their own line is not. */
  private final java.util.Set<String> looped = new java.util.HashSet<>();

  private final Map<String, Duration> taskDurations = new LinkedHashMap<>();
  private final Map<String, Event.Progress> progress = new LinkedHashMap<>();
  private final Map<String, long[]> rateBase = new LinkedHashMap<>();
  private ScheduledExecutorService ticker;
  private String runningTask;
  private long runningSince;
  private boolean statusShown;
  private boolean checkMode;

  public ConsoleReporter(PrintStream out, boolean terminal, int verbosity) {
    this.out = out;
    this.terminal = terminal;
    this.verbosity = verbosity;
    if (terminal) {
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "baton-console");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleAtFixedRate(this::redraw, 250, 250, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public synchronized void on(Event event) {
    if (event instanceof Event.Progress p) {
      progress.put(p.host(), p);
      rateBase.putIfAbsent(p.host() + p.what(), new long[] {System.nanoTime(), p.done()});
      if (!terminal && verbosity >= 1 && p.total() > 0 && p.done() == p.total()) {
        println("progress: [" + p.host() + "] " + describe(p));
      }
      return;
    }
    clearStatus();
    if (event instanceof Event.RunStarted e) {
      checkMode = e.options().check();
    } else if (event instanceof Event.PlayStarted e) {
      println("");
      println(banner("PLAY [" + (e.name() == null ? "" : e.name()) + "]"));
    } else if (event instanceof Event.BatchStarted e) {
      // As ansible-playbook: each serial batch under the play's banner again.
      println("");
      println(banner("PLAY [" + (e.name() == null ? "" : e.name()) + "]"));
    } else if (event instanceof Event.TaskStarted e) {
      moduleByPath.put(e.path(), e.module());
      println("");
      // The engine's paths name a handler p<play>.h<n>.
      boolean handler = e.path().matches(".*\\.h\\d+");
      println(banner((handler ? "RUNNING HANDLER [" : "TASK [") + e.name() + "]"));
      runningTask = e.name();
      runningSince = System.nanoTime();
      progress.clear();
      rateBase.clear();
    } else if (event instanceof Event.Retry e) {
      println(
          color(
              RED,
              "FAILED - RETRYING: ["
                  + e.host()
                  + "]: "
                  + e.task()
                  + " ("
                  + e.left()
                  + " retries left)."));
    } else if (event instanceof Event.ItemResult e) {
      looped.add(e.path() + "\0" + e.host());
      printItem(e);
    } else if (event instanceof Event.HostResult e) {
      if (looped.remove(e.path() + "\0" + e.host())) {
        // Each item had its line, as in Ansible; only an ignored failure says so once more.
        if (e.ignored()) {
          println(color(CYAN, "...ignoring"));
        }
      } else {
        printResult(e);
      }
    } else if (event instanceof Event.HostRescued e) {
      if (verbosity >= 1) {
        println(color(MAGENTA, "rescued: [" + e.host() + "]"));
      }
    } else if (event instanceof Event.TaskFinished e) {
      runningTask = null;
      taskDurations.merge(e.name(), e.duration(), Duration::plus);
    } else if (event instanceof Event.Warning e) {
      println(color(MAGENTA, "[WARNING]: " + e.message()));
    } else if (event instanceof Event.RunFinished e) {
      recap(e.stats());
      durations();
    }
  }

  /** One item of a loop, as Ansible's default callback prints it. */
  private void printItem(Event.ItemResult e) {
    String who = "[" + e.host() + (e.delegatedTo() != null ? " -> " + e.delegatedTo() : "") + "]";
    TaskResult r = e.result();
    String item = "(item=" + e.label() + ")";
    String module = moduleByPath.getOrDefault(e.path(), "");
    Map<String, Object> shown = new LinkedHashMap<>(shown(r));
    // The item and its index are in the label already.
    shown.remove(String.valueOf(r.data().get("ansible_loop_var")));
    shown.remove(String.valueOf(r.data().get("ansible_index_var")));
    shown
        .keySet()
        .removeAll(java.util.Set.of("changed", "failed", "ansible_loop_var", "ansible_index_var"));
    String detail =
        (verbosity >= 1 || module.equals("debug")) && !shown.isEmpty()
            ? " => " + Json.write(shown)
            : "";
    if (r instanceof TaskResult.Ok) {
      println(color(GREEN, "ok: " + who + " => " + item + detail));
    } else if (r instanceof TaskResult.Changed) {
      println(color(YELLOW, "changed: " + who + " => " + item + detail));
    } else if (r instanceof TaskResult.Skipped) {
      println(color(CYAN, "skipping: " + who + " => " + item));
    } else if (r instanceof TaskResult.Unreachable) {
      println(
          color(RED, "fatal: " + who + " " + item + ": UNREACHABLE! => " + Json.write(failure(r))));
    } else {
      println(color(RED, "failed: " + who + " " + item + " => " + Json.write(failure(r))));
    }
  }

  private void printResult(Event.HostResult e) {
    String who = "[" + e.host() + (e.delegatedTo() != null ? " -> " + e.delegatedTo() : "") + "]";
    TaskResult r = e.result();
    String module = moduleByPath.getOrDefault(e.path(), "");
    String detail = "";
    String lines = module.equals("debug") ? listOfLines(r.data()) : null;
    if (e.resumed() != null) {
      detail = " (done in run " + e.resumed().runId() + ")";
    } else if (lines != null) {
      detail = " => " + lines;
    } else if (verbosity >= 1 || module.equals("debug")) {
      detail = r.data().isEmpty() && r.msg().isEmpty() ? "" : " => " + Json.write(shown(r));
    } else if (checkMode && r instanceof TaskResult.Changed && !r.msg().isEmpty()) {
      // In --check the "would ..." line of each change is the plan the operator asked to see.
      detail = " => " + Json.write(Map.of("msg", r.msg()));
    }
    if (r instanceof TaskResult.Ok) {
      println(color(GREEN, "ok: " + who + detail));
    } else if (r instanceof TaskResult.Changed) {
      println(color(YELLOW, "changed: " + who + detail));
    } else if (r instanceof TaskResult.Skipped) {
      println(color(CYAN, "skipping: " + who + (verbosity >= 1 ? detail : "")));
    } else if (r instanceof TaskResult.Unreachable) {
      println(color(RED, "fatal: " + who + ": UNREACHABLE! => " + Json.write(failure(r))));
    } else {
      println(color(RED, "fatal: " + who + ": FAILED! => " + Json.write(failure(r))));
      if (e.ignored()) {
        println(color(CYAN, "...ignoring"));
      }
    }
  }

  /**
   * A {@code debug: var:} of one list of strings (a table, {@code stdout_lines}) as Ansible's
   * default callback prints it: one element a line, indented four spaces, so a table reads as one;
   * null for any other value, which stays on one line.
   */
  private static String listOfLines(Map<String, Object> data) {
    Map<String, Object> shown = new LinkedHashMap<>(data);
    shown.remove("msg");
    if (shown.size() != 1
        || !(shown.values().iterator().next() instanceof List<?> list)
        || list.isEmpty()
        || !list.stream().allMatch(x -> x instanceof String)) {
      return null;
    }
    StringBuilder b = new StringBuilder("{\n    ");
    b.append(Json.write(shown.keySet().iterator().next())).append(": [\n");
    for (int i = 0; i < list.size(); i++) {
      b.append("        ")
          .append(Json.write(list.get(i)))
          .append(i + 1 < list.size() ? ",\n" : "\n");
    }
    return b.append("    ]\n}").toString();
  }

  private static Map<String, Object> shown(TaskResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    Object dataMsg = r.data().get("msg");
    if (dataMsg != null && !(dataMsg instanceof String)) {
      m.put("msg", dataMsg); // debug's msg keeps its type, as Ansible prints it: true, 3, [..]
    } else if (!r.msg().isEmpty()) {
      m.put("msg", r.msg());
    }
    r.data()
        .forEach(
            (k, v) -> {
              if (!k.equals("msg") && !k.endsWith("_lines")) {
                m.put(k, v);
              }
            });
    return m;
  }

  /** What an operator needs to see of a failure: the message, the rc and the output's tail. */
  private Map<String, Object> failure(TaskResult r) {
    if (verbosity >= 1) {
      return shown(r);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("msg", r.msg());
    for (String k : List.of("cmd", "rc", "stderr", "stdout")) {
      Object v = r.data().get(k);
      if (v != null && !v.toString().isEmpty()) {
        m.put(k, v instanceof String s ? tail(s) : v);
      }
    }
    return m;
  }

  private static String tail(String s) {
    String[] lines = s.strip().split("\n");
    int from = Math.max(0, lines.length - 8);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }

  private void recap(Map<String, HostStats> stats) {
    println("");
    println(banner("PLAY RECAP"));
    int w = Math.max(26, stats.keySet().stream().mapToInt(String::length).max().orElse(0) + 1);
    stats.forEach(
        (host, s) -> {
          String c = s.failed() > 0 || s.unreachable() > 0 ? RED : s.changed() > 0 ? YELLOW : GREEN;
          String line =
              String.format(
                  "%-"
                      + w
                      + "s : ok=%-4d changed=%-4d unreachable=%-4d failed=%-4d skipped=%-4d"
                      + " rescued=%-4d ignored=%d",
                  host,
                  s.ok(),
                  s.changed(),
                  s.unreachable(),
                  s.failed(),
                  s.skipped(),
                  s.rescued(),
                  s.ignored());
          println(color(c, line.stripTrailing()));
        });
  }

  private void durations() {
    if (taskDurations.isEmpty()) {
      return;
    }
    println("");
    println(banner("TASK DURATIONS"));
    List<Map.Entry<String, Duration>> all = new ArrayList<>(taskDurations.entrySet());
    all.sort((a, b) -> b.getValue().compareTo(a.getValue()));
    for (var e : all) {
      String name = e.getKey();
      String time = Units.seconds(e.getValue().toMillis());
      int dots = Math.max(3, WIDTH - name.length() - time.length() - 2);
      println(name + " " + "-".repeat(dots) + " " + time);
    }
  }

  private synchronized void redraw() {
    if (runningTask == null) {
      return;
    }
    long secs = (System.nanoTime() - runningSince) / 1_000_000_000L;
    if (secs < 1) {
      return;
    }
    String line = status(secs, true);
    if (line.length() > STATUS_WIDTH) {
      // The figures are what the operator watches: shorten what is being done (a transfer's two
      // paths are long) to its first word before cutting anything else.
      line = status(secs, false);
    }
    if (line.length() > STATUS_WIDTH) {
      line = line.substring(0, STATUS_WIDTH - 3) + "...";
    }
    out.print("\r\u001b[K" + line);
    out.flush();
    statusShown = true;
  }

  private String status(long secs, boolean fullWhat) {
    StringBuilder b = new StringBuilder("  [" + secs + "s] " + runningTask);
    for (Event.Progress p : progress.values()) {
      String what = fullWhat ? p.what() : p.what().split(" ", 2)[0];
      b.append(" | ").append(p.host()).append(": ").append(what).append(' ').append(figures(p));
    }
    return b.toString();
  }

  private String describe(Event.Progress p) {
    return p.what() + " " + figures(p);
  }

  /** "4.0 MiB of 24.0 MiB (16%), 4.0 MiB/s, ETA 5s": done, total, rate and time left. */
  private String figures(Event.Progress p) {
    StringBuilder b = new StringBuilder();
    boolean bytes = "B".equals(p.unit());
    b.append(bytes ? Units.bytes(p.done()) : p.done() + " " + p.unit());
    if (p.total() > 0) {
      b.append(" of ").append(bytes ? Units.bytes(p.total()) : p.total() + " " + p.unit());
      b.append(String.format(" (%d%%)", p.done() * 100 / p.total()));
    }
    long[] base = rateBase.get(p.host() + p.what());
    if (bytes && base != null) {
      double secs = (System.nanoTime() - base[0]) / 1e9;
      if (secs > 0.5) {
        double rate = (p.done() - base[1]) / secs;
        b.append(", ").append(Units.bytes((long) rate)).append("/s");
        if (p.total() > 0 && rate > 0) {
          b.append(", ETA ").append(Units.duration((long) ((p.total() - p.done()) / rate)));
        }
      }
    }
    return b.toString();
  }

  private void clearStatus() {
    if (statusShown) {
      out.print("\r\u001b[K");
      statusShown = false;
    }
  }

  private void println(String s) {
    out.println(s);
  }

  private String color(String code, String s) {
    return terminal ? code + s + RESET : s;
  }

  private static String banner(String title) {
    return title + " " + "*".repeat(Math.max(3, WIDTH - title.length() - 1));
  }

  @Override
  public synchronized void close() {
    clearStatus();
    if (ticker != null) {
      ticker.shutdownNow();
    }
    out.flush();
  }
}

package dev.baton.report;

import dev.baton.engine.Event;
import dev.baton.engine.EventListener;
import dev.baton.modules.TaskResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run journal: one JSON object per line for every event, written and forced to disk as it
 * happens, so that a run killed at any moment can be audited and resumed. Secrets never reach it:
 * the engine hands over results already censored ({@code no_log}) and scrubbed.
 */
public final class JournalWriter implements EventListener {
  private final FileChannel out;
  private final Path path;
  // Group commit: on() appends (one thread at a time, under the engine's emitter), settle() makes
  // the line durable; one force covers every line written before it, so a fork whose line another
  // fork's force already covered does not force again.
  private final Object forceLock = new Object();
  private volatile long written;
  private long forced;

  public JournalWriter(Path path) throws IOException {
    this.path = path;
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    this.out =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  public Path path() {
    return path;
  }

  @Override
  public void on(Event event) {
    Map<String, Object> line = toMap(event);
    if (line == null) {
      return;
    }
    byte[] bytes = (Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        written += out.write(buf);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write journal " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void settle(Event event) {
    if (!(event instanceof Event.HostResult || event instanceof Event.RunFinished)) {
      return;
    }
    // A finished step is what resume relies on: it must survive a crash of the jump host before
    // the engine goes on with that host.
    long mine = written;
    synchronized (forceLock) {
      if (forced >= mine) {
        return;
      }
      long upTo = written;
      try {
        out.force(false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write journal " + path + ": " + e.getMessage(), e);
      }
      forced = upTo;
    }
  }

  static Map<String, Object> toMap(Event event) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ts", event.at().toString());
    if (event instanceof Event.RunStarted e) {
      m.put("event", "run_started");
      m.put("run_id", e.runId());
      m.put("playbook", e.playbook());
      m.put("check", e.options().check());
      m.put("limit", e.options().limit());
      m.put("forks", e.options().forks());
      m.put("extra_vars", e.options().redactedExtraVars());
      m.put("resume_of", e.options().resumeFrom());
    } else if (event instanceof Event.PlayStarted e) {
      m.put("event", "play_started");
      m.put("play", e.name());
      m.put("hosts", e.hosts());
    } else if (event instanceof Event.BatchStarted e) {
      m.put("event", "batch_started");
      m.put("play", e.name());
      m.put("batch", e.batch());
      m.put("hosts", e.hosts());
    } else if (event instanceof Event.TaskStarted e) {
      m.put("event", "task_started");
      m.put("path", e.path());
      m.put("task", e.name());
      m.put("module", e.module());
      m.put("hosts", e.hosts());
    } else if (event instanceof Event.HostResult e) {
      m.put("event", "host_result");
      m.put("path", e.path());
      m.put("task", e.task());
      m.put("host", e.host());
      m.put("status", status(e.result(), e.ignored()));
      m.put("msg", e.result().msg());
      m.put("duration_ms", e.duration().toMillis());
      m.put("no_log", e.noLog());
      if (e.delegatedTo() != null) {
        m.put("delegated_to", e.delegatedTo());
      }
      if (e.resumed() != null) {
        m.put("resumed_from", e.resumed().runId());
        m.put("resumed_work", e.resumed().work());
      }
      m.put("data", e.result().data());
    } else if (event instanceof Event.HostRescued e) {
      m.put("event", "host_rescued");
      m.put("path", e.path());
      m.put("host", e.host());
    } else if (event instanceof Event.TaskFinished e) {
      m.put("event", "task_finished");
      m.put("path", e.path());
      m.put("task", e.name());
      m.put("duration_ms", e.duration().toMillis());
    } else if (event instanceof Event.Warning e) {
      m.put("event", "warning");
      m.put("msg", e.message());
    } else if (event instanceof Event.RunFinished e) {
      m.put("event", "run_finished");
      m.put("exit_code", e.exitCode());
      m.put("duration_ms", e.duration().toMillis());
      m.put("stats", e.stats());
    } else {
      // Progress is for eyes on a terminal; the journal keeps outcomes, not ticks.
      return null;
    }
    return m;
  }

  /** The status word used by the journal, the console and the JUnit report. */
  public static String status(TaskResult r, boolean ignored) {
    if (r instanceof TaskResult.Ok) {
      return "ok";
    } else if (r instanceof TaskResult.Changed) {
      return "changed";
    } else if (r instanceof TaskResult.Skipped) {
      return "skipped";
    } else if (r instanceof TaskResult.Failed) {
      return ignored ? "ignored" : "failed";
    }
    return "unreachable";
  }

  @Override
  public void close() {
    try {
      out.force(true);
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

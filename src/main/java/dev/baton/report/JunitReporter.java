package dev.baton.report;

import dev.baton.engine.Event;
import dev.baton.engine.EventListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JUnit XML report for CI dashboards: one test suite per play, one test case per task and host.
 * Failed tasks are failures, unreachable hosts are errors, skipped tasks are skipped.
 */
public final class JunitReporter implements EventListener {
  private final Path path;
  private final Map<String, List<Event.HostResult>> byPlay = new LinkedHashMap<>();
  private String play = "play";

  public JunitReporter(Path path) {
    this.path = path;
  }

  @Override
  public void on(Event event) {
    if (event instanceof Event.PlayStarted p) {
      play = p.name() == null || p.name().isBlank() ? "play " + (p.playIndex() + 1) : p.name();
      byPlay.putIfAbsent(play, new ArrayList<>());
    } else if (event instanceof Event.HostResult r) {
      byPlay.computeIfAbsent(play, k -> new ArrayList<>()).add(r);
    }
  }

  @Override
  public void close() {
    StringBuilder x =
        new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    byPlay.forEach(
        (name, results) -> {
          long failures = results.stream().filter(r -> status(r).equals("failed")).count();
          long errors = results.stream().filter(r -> status(r).equals("unreachable")).count();
          long skipped = results.stream().filter(r -> status(r).equals("skipped")).count();
          double time = results.stream().mapToLong(r -> r.duration().toMillis()).sum() / 1000.0;
          x.append("  <testsuite name=\"")
              .append(esc(name))
              .append("\" tests=\"")
              .append(results.size())
              .append("\" failures=\"")
              .append(failures)
              .append("\" errors=\"")
              .append(errors)
              .append("\" skipped=\"")
              .append(skipped)
              .append("\" time=\"")
              .append(time)
              .append("\">\n");
          for (Event.HostResult r : results) {
            x.append("    <testcase classname=\"")
                .append(esc(name))
                .append("\" name=\"")
                .append(esc("[" + r.host() + "] " + r.task()))
                .append("\" time=\"")
                .append(r.duration().toMillis() / 1000.0)
                .append("\"");
            String msg = esc(r.result().msg());
            switch (status(r)) {
              case "failed" ->
                  x.append(">\n      <failure message=\"")
                      .append(msg)
                      .append("\">")
                      .append(msg)
                      .append("</failure>\n    </testcase>\n");
              case "unreachable" ->
                  x.append(">\n      <error message=\"")
                      .append(msg)
                      .append("\">")
                      .append(msg)
                      .append("</error>\n    </testcase>\n");
              case "skipped" ->
                  x.append(">\n      <skipped message=\"")
                      .append(msg)
                      .append("\"/>\n    </testcase>\n");
              default -> x.append("/>\n");
            }
          }
          x.append("  </testsuite>\n");
        });
    x.append("</testsuites>\n");
    try {
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
      Files.writeString(path, x.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JUnit report " + path, e);
    }
  }

  private static String status(Event.HostResult r) {
    return JournalWriter.status(r.result(), r.ignored());
  }

  private static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\n' -> b.append("&#10;");
        default -> {
          if (c >= 0x20 || c == '\t') {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}

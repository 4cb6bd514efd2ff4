package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An operator reads reasons, not class names: no message is built by concatenating a caught
 * exception itself (which prints {@code java.io.IOException: ...} or a library's {@code ...Impl[}),
 * only its message. The few places that print an exception on purpose are listed, each with why.
 */
class UserFacingMessagesTest {
  /** A string concatenated with a bare exception variable: {@code "...: " + e}. */
  private static final Pattern CONCAT_EXCEPTION =
      Pattern.compile("\"\\s*\\+\\s*(e|ex|x|err|t|cause|failure)\\s*[,);+]");

  private static final Set<String> ON_PURPOSE =
      Set.of(
          // "ERROR! internal error: <exception>": a bug in baton, reported as one, with the class.
          "cli/ExitCodeMapper.java",
          // The simulator's own unexpected failure, documented as "<utility>: <exception>".
          "sim/SimMain.java",
          // The simulator's replication log, for the lab's operator: the socket's own words.
          "sim/ReplServer.java");

  @Test
  void noMessageQuotesAnExceptionObject() throws IOException {
    Path root = Path.of("src/main/java/dev/baton");
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String rel = root.relativize(f).toString();
        if (ON_PURPOSE.contains(rel)) {
          continue;
        }
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          if (CONCAT_EXCEPTION.matcher(lines.get(i)).find()) {
            found.add(rel + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    assertThat(found).as("messages that quote an exception object").isEmpty();
  }

  @Test
  void theListedExceptionsStillNeedTheirException() throws IOException {
    for (String rel : ON_PURPOSE) {
      String text = Files.readString(Path.of("src/main/java/dev/baton").resolve(rel));
      assertThat(CONCAT_EXCEPTION.matcher(text).find()).as(rel + " still prints one").isTrue();
    }
  }
}

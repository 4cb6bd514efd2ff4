package dev.baton.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FetchModuleTest extends ModuleTestBase {
  private final Fetch fetch = new Fetch();

  @Test
  void fetchIntoHostTreeThenIsIdempotent() throws Exception {
    Path src = dir.resolve("remote.log");
    Files.writeString(src, "line\n");
    Map<String, Object> args = Map.of("src", src.toString(), "dest", "fetched");
    TaskResult r = run(fetch, args);
    assertChanged(r);
    Path dest = local.resolve("fetched").resolve(ctx.host()).resolve(src.toString().substring(1));
    assertThat(Files.readString(dest)).isEqualTo("line\n");
    assertThat(r.data())
        .containsEntry("dest", dest.toString())
        .containsEntry("checksum", Checksums.sha1("line\n".getBytes()));
    assertOk(run(fetch, args));

    Files.writeString(src, "changed\n");
    assertChanged(run(fetch, args));
    assertThat(Files.readString(dest)).isEqualTo("changed\n");
    try (var s = Files.list(dest.getParent())) {
      assertThat(s).containsExactly(dest);
    }
  }

  @Test
  void fetchFlatToDirectoryAndToFile() throws Exception {
    Path src = dir.resolve(HOSTILE);
    Files.writeString(src, "x");
    assertChanged(run(fetch, Map.of("src", src.toString(), "dest", "out/", "flat", true)));
    assertThat(Files.readString(local.resolve("out").resolve(HOSTILE))).isEqualTo("x");
    Path file = local.resolve("named.txt");
    assertChanged(
        run(fetch, Map.of("src", src.toString(), "dest", file.toString(), "flat", "yes")));
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  void fetchMissingFileFailsUnlessAllowed() throws Exception {
    String src = dir + "/none";
    TaskResult r = run(fetch, Map.of("src", src, "dest", "out"));
    assertFailed(r);
    assertThat(r.msg()).isEqualTo("fetch: " + src + ": the remote file does not exist");
    assertOk(run(fetch, Map.of("src", src, "dest", "out", "fail_on_missing", false)));
  }

  @Test
  void fetchInCheckModeWritesNothing() throws Exception {
    Path src = dir.resolve("f");
    Files.writeString(src, "x");
    assertChanged(check(fetch, Map.of("src", src.toString(), "dest", "out/", "flat", true)));
    assertThat(local.resolve("out")).doesNotExist();
  }

  @Test
  void fetchToAnUnusableLocalDestinationFailsNamingIt() throws Exception {
    Path src = dir.resolve("f");
    Files.writeString(src, "x");
    Files.writeString(local.resolve("blocker"), "a file, not a directory");
    TaskResult r = run(fetch, Map.of("src", src.toString(), "dest", "blocker/sub/f", "flat", true));
    assertFailed(r);
    assertThat(r.msg()).startsWith("fetch: local destination: ").contains("blocker");
  }
}

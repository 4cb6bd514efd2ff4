package dev.baton.openedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StructureFileTest {
  private static final String ST =
      """
      # structure of sdb
      : a colon comment
      * a star comment
      b /db/sec/sdb.b1 f 1024
      d "Schema Area":6,32;1 /db/sec/sdb.d1
      d "Customer Data":7,64;8 !"/db/sec/big disk/sdb_7.d1" f 20480
      d "Customer Data":7,64;8 /db/sec/sdb_7.d2
      a /ai/sec/sdb.a1 v 0
      t .
      """;

  @Test
  void parsesEveryLineKindAndKeepsComments() {
    StructureFile st = StructureFile.parse(ST, "sdb.st");
    assertThat(st.extents()).hasSize(6);
    assertThat(st.extents().get(1).area()).isEqualTo("Schema Area");
    assertThat(st.extents().get(2).path()).isEqualTo("/db/sec/big disk/sdb_7.d1");
    assertThat(st.extents().get(2).type()).isEqualTo('d');
    assertThat(st.extents().get(4).type()).isEqualTo('a');
    assertThat(st.rewrite(p -> p)).isEqualTo(ST);
  }

  @Test
  void relocationRewritesDirectoryNameAndPathMap() {
    StructureFile st = StructureFile.parse(ST, "sdb.st");
    String out =
        st.rewrite(
            StructureFile.relocation(
                "/db/sec",
                "sdb",
                "/db/pri",
                "pdb",
                Map.of("/ai/sec", "/ai/pri", "/db/sec/big disk", "/big")));
    assertThat(out)
        .contains("b /db/pri/pdb.b1 f 1024\n")
        .contains("d \"Schema Area\":6,32;1 /db/pri/pdb.d1\n")
        .contains("d \"Customer Data\":7,64;8 /big/pdb_7.d1 f 20480\n")
        .contains("/db/pri/pdb_7.d2\n")
        .contains("a /ai/pri/pdb.a1 v 0\n")
        .contains("t .\n")
        .contains("# structure of sdb\n");
    assertThat(StructureFile.parse(out, "pdb.st").directories("/db/pri"))
        .containsExactly("/db/pri", "/big", "/ai/pri");
  }

  @Test
  void pathsWithSpacesAreWrittenQuoted() {
    StructureFile st = StructureFile.parse("d \"Schema Area\":6,32;1 /a/x.d1\n", "x.st");
    assertThat(st.rewrite(p -> "/my dir/x.d1"))
        .isEqualTo("d \"Schema Area\":6,32;1 !\"/my dir/x.d1\"\n");
  }

  @Test
  void errorsNameFileLineAndColumn() {
    assertThatThrownBy(() -> StructureFile.parse("# ok\nq /x\n", "bad.st"))
        .hasMessage("bad.st:2:1: extent type must be b, d, a or t");
    assertThatThrownBy(() -> StructureFile.parse("d \"A\":7,1;1 !\"/x y\n", "bad.st"))
        .hasMessageStartingWith("bad.st:1:13: unterminated quoted path");
    assertThatThrownBy(() -> StructureFile.parse("d /x.d1 q 12\n", "bad.st"))
        .hasMessageStartingWith("bad.st:1:8: expected 'f SIZE' or 'v SIZE'");
  }
}

package dev.baton.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage pieces in-process: the .st grammar and the record log. */
class SimStorageTest {
  @TempDir Path dir;

  @Test
  void structureGrammarReadsAreasQuotedPathsSizesAndDirectories() throws Exception {
    Files.createDirectories(dir.resolve("ai"));
    DbPath db = new DbPath(dir, "prod");
    Structure s =
        Structure.parse(
            List.of(
                "# comment",
                ": also a comment",
                "* and this",
                "b " + dir + "/prod.b1 f 2048",
                "d \"Schema Area\":6,32;1 " + dir + "/prod.d1",
                "d \"Customer Data\":8,128;64 !\"" + dir + "/a path/prod_8.d1\" v 1024",
                "a " + dir + "/ai",
                "a " + dir + "/ai/"),
            dir,
            db);
    assertThat(s.extents()).hasSize(5);
    Extent data = s.dataExtent();
    assertThat(data.areaName()).isEqualTo("Customer Data");
    assertThat(data.area()).isEqualTo(8);
    assertThat(data.recsPerBlock()).isEqualTo(128);
    assertThat(data.blocksPerCluster()).isEqualTo(64);
    assertThat(data.path()).isEqualTo(dir.resolve("a path/prod_8.d1"));
    assertThat(s.extents().get(0).fixed()).isTrue();
    assertThat(s.extents().get(0).sizeKb()).isEqualTo(2048);
    assertThat(s.ofType('a'))
        .extracting(Extent::path)
        .containsExactly(dir.resolve("ai/prod.a1"), dir.resolve("ai/prod.a2"));
    assertThat(Structure.parse(List.of(s.text().split("\n")), dir, db)).isEqualTo(s);
    assertThatThrownBy(() -> Structure.parse(List.of("", "q /x/y"), dir, db))
        .isInstanceOf(Structure.SyntaxError.class)
        .satisfies(e -> assertThat(((Structure.SyntaxError) e).line).isEqualTo(2));
    assertThatThrownBy(() -> Structure.parse(List.of("d \"A\":x,1;1 /x"), dir, db))
        .isInstanceOf(Structure.SyntaxError.class);
  }

  @Test
  void tornEntryAtTheEndIsCutWhenTheLogIsOpenedForWriting() throws Exception {
    Path file = Files.createFile(dir.resolve("log"));
    Control.Checkpoint cp;
    try (ChangeLog log = ChangeLog.open(file, new Control.Checkpoint(0, 0), true)) {
      cp = log.append(List.of(ChangeLog.Rec.of("a", "1"), ChangeLog.Rec.of("b", "2")));
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer half = ByteBuffer.allocate(30);
      half.putInt(ChangeLog.MAGIC).putLong(3).putInt(1).putInt(100).put((byte) 'c').flip();
      ch.write(half, ch.size());
    }
    // From an older checkpoint too: the scan walks forward over complete entries only.
    try (ChangeLog log = ChangeLog.open(file, new Control.Checkpoint(0, 0), true)) {
      assertThat(log.committed()).isEqualTo(cp);
      assertThat(Files.size(file)).isEqualTo(cp.offset());
      assertThat(log.append(List.of(ChangeLog.Rec.of("c", "3"))).position()).isEqualTo(3);
    }
  }

  @Test
  void digestIsByContentOrderedByKeyAndHonoursUpto() throws Exception {
    Path one = Files.createFile(dir.resolve("one"));
    Path two = Files.createFile(dir.resolve("two"));
    try (ChangeLog a = ChangeLog.open(one, new Control.Checkpoint(0, 0), true);
        ChangeLog b = ChangeLog.open(two, new Control.Checkpoint(0, 0), true)) {
      a.append(List.of(ChangeLog.Rec.of("k1", "old"), ChangeLog.Rec.of("k2", "v2")));
      a.append(List.of(ChangeLog.Rec.of("k1", "new")));
      b.append(List.of(ChangeLog.Rec.of("k2", "v2"), ChangeLog.Rec.of("k1", "new")));
      ChangeLog.Digest da = ChangeLog.digest(a.channel(), a.committed(), null);
      ChangeLog.Digest db = ChangeLog.digest(b.channel(), b.committed(), null);
      assertThat(da.records()).isEqualTo(2);
      assertThat(da.sha256()).isEqualTo(db.sha256());
      assertThat(da.position()).isEqualTo(3);
      ChangeLog.Digest at2 = ChangeLog.digest(a.channel(), a.committed(), 2L);
      assertThat(at2.sha256()).isNotEqualTo(da.sha256());
      assertThat(at2.position()).isEqualTo(2);
      assertThatThrownBy(() -> ChangeLog.digest(a.channel(), a.committed(), 9L))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}

package dev.baton.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The backup file format: magic "OESIMBK1", int header length, the header text, the raw record log
 * prefix (header.dataLength bytes), then a trailer "OESIMEND", long data length and the CRC32C of
 * header and data. A file without its trailer (an aborted backup) or with a wrong length or
 * checksum is not a valid backup.
 */
final class BackupFile {
  static final byte[] MAGIC = "OESIMBK1".getBytes(StandardCharsets.US_ASCII);
  static final byte[] END = "OESIMEND".getBytes(StandardCharsets.US_ASCII);
  static final int TRAILER = 8 + 8 + 8;
  static final int CHUNK = 4 << 20;

  private BackupFile() {}

  /** A backup whose header is readable and whose length and trailer are consistent. */
  record Opened(BackupHeader header, byte[] headerBytes, long dataStart, long storedCrc) {}

  /** Checks what can be checked without reading the records; refusals are one-line messages. */
  static Opened open(FileChannel ch) throws InvalidBackup, IOException {
    long size = ch.size();
    if (size < MAGIC.length + 4) {
      throw new InvalidBackup("the file is too short to be a backup");
    }
    ByteBuffer start = ByteBuffer.allocate(MAGIC.length + 4);
    readFully(ch, start, 0);
    byte[] magic = Arrays.copyOf(start.array(), MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new InvalidBackup("the file is not a backup made by probkup");
    }
    int hlen = start.getInt(MAGIC.length);
    if (hlen <= 0 || hlen > 1 << 20 || MAGIC.length + 4L + hlen > size) {
      throw new InvalidBackup("the backup header is damaged or truncated");
    }
    ByteBuffer hb = ByteBuffer.allocate(hlen);
    readFully(ch, hb, MAGIC.length + 4);
    BackupHeader h;
    try {
      h = BackupHeader.parse(new String(hb.array(), StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidBackup("the backup header is damaged: " + e.getMessage());
    }
    long dataStart = MAGIC.length + 4L + hlen;
    long expected = dataStart + h.dataLength() + TRAILER;
    if (size != expected) {
      throw new InvalidBackup(
          "the backup is truncated or incomplete: "
              + size
              + " bytes, expected "
              + expected
              + " (an aborted backup has no end marker)");
    }
    ByteBuffer tr = ByteBuffer.allocate(TRAILER);
    readFully(ch, tr, dataStart + h.dataLength());
    byte[] endMagic = Arrays.copyOf(tr.array(), END.length);
    if (!Arrays.equals(endMagic, END) || tr.getLong(8) != h.dataLength()) {
      throw new InvalidBackup("the backup has no valid end marker (aborted or damaged)");
    }
    return new Opened(h, hb.array(), dataStart, tr.getLong(16));
  }

  static Opened open(Path file) throws InvalidBackup, IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return open(ch);
    }
  }

  static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
    b.flip();
  }

  static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** A backup that must be refused; the message says why in one line. */
  static final class InvalidBackup extends Exception {
    InvalidBackup(String message) {
      super(message);
    }
  }
}

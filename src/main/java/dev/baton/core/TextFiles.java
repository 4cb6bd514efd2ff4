package dev.baton.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a playbook, inventory or vars file as UTF-8 text. A file that is not UTF-8 is refused with
 * the place of its first bad byte, so the operator finds it, instead of the decoder's bare "Input
 * length = 1".
 */
public final class TextFiles {
  private TextFiles() {}

  /** A file that is not UTF-8 text; {@link #mark()} is where the first bad byte is. */
  public static final class NotUtf8 extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Mark mark;

    NotUtf8(Mark mark) {
      super(mark + ": not UTF-8 text");
      this.mark = mark;
    }

    public Mark mark() {
      return mark;
    }
  }

  /** The file's text; {@link NotUtf8} names the first byte that is not UTF-8. */
  public static String read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    out.flip();
    String text = out.toString();
    if (result.isError()) {
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new NotUtf8(new Mark(file.toString(), line, text.length() - lineStart + 1));
    }
    if (Vault.isVaulted(text)) {
      // A file ansible-vault encrypted whole (vars files, group_vars, host_vars, inventories).
      try {
        return Vault.decryptFile(text);
      } catch (Vault.VaultException e) {
        // The callers say which file, at 1:1.
        throw new IOException("ansible-vault file: " + e.getMessage(), e);
      }
    }
    return text;
  }
}

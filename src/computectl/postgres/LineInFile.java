package computectl.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Upstream's "line in file" edit (behaviour.md 5.4.3), used for pg_hba.conf and postgresql.conf:
 * the line is appended only when no existing line equals it, preceded by one newline when the file
 * had any line, and written without a trailing newline.
 */
public final class LineInFile {
  private LineInFile() {}

  /** Ensures {@code line} is in {@code file} (created if missing); true when it was added. */
  public static boolean ensure(Path file, String line) {
    try {
      boolean hadLines = false;
      if (Files.exists(file)) {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        for (String existing : lines(text)) {
          if (existing.equals(line)) {
            return false;
          }
          hadLines = true;
        }
      }
      String addition = (hadLines ? "\n" : "") + line;
      ConfigWriter.writeOwnerOnly(file, addition, true);
      return true;
    } catch (IOException e) {
      throw new PgException("could not add a line to " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Lines as a line reader sees them: split on \n, a trailing \r dropped, no empty line after a
   * final \n.
   */
  static String[] lines(String text) {
    if (text.isEmpty()) {
      return new String[0];
    }
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    String[] parts = body.split("\n", -1);
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].endsWith("\r")) {
        parts[i] = parts[i].substring(0, parts[i].length() - 1);
      }
    }
    return parts;
  }
}

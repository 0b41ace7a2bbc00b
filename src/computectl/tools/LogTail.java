package computectl.tools;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * The last lines of a log file that may be large and still growing: only its last {@link
 * #MAX_BYTES} are read, a line cut by that window is dropped, and so is an unfinished last line
 * (still being written).
 */
final class LogTail {
  static final long MAX_BYTES = 16L << 20;

  private LogTail() {}

  /** Up to {@code n} last lines that pass {@code keep}, oldest first. */
  static List<String> lastLines(Path file, int n, Predicate<String> keep) throws IOException {
    byte[] window;
    boolean cut;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      long start = Math.max(0, length - MAX_BYTES);
      window = new byte[(int) (length - start)];
      f.seek(start);
      f.readFully(window);
      cut = start > 0;
    }
    int end = window.length;
    while (end > 0 && window[end - 1] != '\n') {
      end--;
    }
    List<String> newestFirst = new ArrayList<>();
    int lineEnd = end - 1;
    for (int i = lineEnd - 1; i >= -1 && newestFirst.size() < n; i--) {
      if (i >= 0 && window[i] != '\n') {
        continue;
      }
      if (i < 0 && cut) {
        break;
      }
      String line = new String(window, i + 1, lineEnd - i - 1, StandardCharsets.UTF_8);
      if (keep.test(line)) {
        newestFirst.add(line);
      }
      lineEnd = i;
    }
    Collections.reverse(newestFirst);
    return newestFirst;
  }
}

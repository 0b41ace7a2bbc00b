package computectl.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The test fixtures (spec files, vm-monitor transcripts) in the repository's test/fixtures. */
public final class Fixtures {
  private Fixtures() {}

  public static Path projectRoot() {
    return Path.of(System.getProperty("computectl.root", ".")).toAbsolutePath().normalize();
  }

  public static Path dir() {
    Path dir = projectRoot().resolve("test/fixtures");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "test/fixtures not found under " + projectRoot() + " (set -Dcomputectl.root)");
    }
    return dir;
  }

  public static Path path(String relative) {
    return dir().resolve(relative);
  }

  public static String read(String relative) {
    try {
      return Files.readString(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

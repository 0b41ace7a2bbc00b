package computectl.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared fixtures (upstream spec files, vm-monitor transcripts) beside the project. */
public final class Fixtures {
  private Fixtures() {}

  public static Path projectRoot() {
    return Path.of(System.getProperty("computectl.root", ".")).toAbsolutePath().normalize();
  }

  public static Path dir() {
    for (Path p :
        new Path[] {
          projectRoot().resolve("../shared/fixtures"), Path.of("/work/shared/fixtures")
        }) {
      if (Files.isDirectory(p)) {
        return p.normalize();
      }
    }
    throw new IllegalStateException("shared/fixtures not found beside " + projectRoot());
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

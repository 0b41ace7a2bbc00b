package computectl.util;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Facts stamped into the runtime image at build time: the build tag from {@code BUILD_TAG} (default
 * {@code latest}), in the image's {@value #STAMP}.
 *
 * <p>A file of the image, not a resource in the jar: the first resource read of a process opens and
 * indexes the jar. Before the first log line of a cold start, the jar resource took 5.7 ms and this
 * file takes 2.0 (make bench, a build with timestamps, medians of 7).
 */
public final class BuildInfo {
  /** Where an image keeps its build tag, relative to the image's root ({@code java.home}). */
  public static final String STAMP = "lib/app/build.properties";

  private static final String TAG = load();

  private BuildInfo() {}

  public static String buildTag() {
    return TAG;
  }

  /**
   * The tag stamped into the runtime image at {@code image}: {@code latest} when the image has no
   * stamp or a blank one.
   *
   * @throws UncheckedIOException when the stamp exists but cannot be read
   */
  public static String tagOf(Path image) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(image.resolve(STAMP))) {
      p.load(in);
    } catch (NoSuchFileException e) {
      return "latest";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String tag = p.getProperty("build_tag", "").trim();
    return tag.isEmpty() ? "latest" : tag;
  }

  /** The tag of the image this JVM runs from; a JVM outside an image (tests, IDE) says latest. */
  private static String load() {
    try {
      return tagOf(Path.of(System.getProperty("java.home", "")));
    } catch (UncheckedIOException | InvalidPathException e) {
      return "latest";
    }
  }
}

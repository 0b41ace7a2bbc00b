package computectl.fleet;

import computectl.util.BuildInfo;
import computectl.util.RunAs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A second image for a fleet test without a second compile: {@code BUILD_TAG=<tag> make image}
 * differs from the image under test only in its stamp, {@link BuildInfo#STAMP} (build.sh writes the
 * tag there and nowhere else), so this copies the image (hard links) and replaces that one file.
 * {@code make fleet-demo} builds its two images for real.
 */
final class RetaggedImage {
  private RetaggedImage() {}

  static FleetImage create(FleetImage source, String tag) {
    try {
      Path dir =
          RunAs.ownedTempDir(RunAs.unprivilegedUser(), "computectl-retagged-").resolve("image");
      copyTree(source.dir(), dir);
      Path stamp = dir.resolve(BuildInfo.STAMP);
      Files.deleteIfExists(stamp); // a hard link to the source's stamp: never written through
      Files.writeString(stamp, "build_tag=" + tag + "\n", StandardCharsets.UTF_8);
      return FleetImage.read(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          try {
            Files.createLink(target, p);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
          }
        }
      }
    }
  }

  /** Removes the copy (its parent temp directory included). */
  static void delete(FleetImage image) {
    try (Stream<Path> all = Files.walk(image.dir().getParent())) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

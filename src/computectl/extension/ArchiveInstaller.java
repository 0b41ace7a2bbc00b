package computectl.extension;

import computectl.tar.ExtractStats;
import computectl.tar.TarExtractor;
import computectl.util.Log;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Unpacks a {@code .tar.zst} archive into the download directory (through the safe tar extractor)
 * and moves its {@code share/extension/*} and {@code lib/*} into Postgres' directories. A missing
 * source directory is normal (an SQL-only extension has no {@code lib/}); a failed move is only
 * warned about, as upstream: the file is most likely there already.
 *
 * <p>Archives are installed one at a time: they share the download directory, and a move must not
 * pick up another archive's half-written files.
 */
final class ArchiveInstaller {
  private final ExtensionDirs dirs;
  private final ZstdProcess zstd;

  ArchiveInstaller(ExtensionDirs dirs, ZstdProcess zstd) {
    this.dirs = dirs;
    this.zstd = zstd;
  }

  synchronized void install(String extension, byte[] archive) {
    Path dest = dirs.downloadDir();
    try {
      Files.createDirectories(dest);
    } catch (IOException e) {
      throw new ExtensionException(
          "cannot create the extension download directory " + dest + ": " + e.getMessage(), e);
    }
    ExtractStats stats =
        zstd.decompress(
            archive, "the archive of extension " + extension, in -> TarExtractor.extract(in, dest));
    Log.info(
        "Download + unzip of extension "
            + extension
            + " completed: "
            + stats.entries()
            + " entries, "
            + stats.bytes()
            + " bytes");
    moveChildren(dest.resolve("share").resolve("extension"), dirs.shareExtensionDir());
    moveChildren(dest.resolve("lib"), dirs.pkglibDir());
    Log.info("done moving extension " + extension);
  }

  private static void moveChildren(Path from, Path to) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
      Log.info("mv " + from + "/* " + to);
      for (Path entry : entries) {
        move(entry, to.resolve(entry.getFileName().toString()));
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      Log.info("nothing to move from " + from);
    } catch (IOException e) {
      throw new ExtensionException("cannot list " + from + ": " + e.getMessage(), e);
    }
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      Log.info("moved " + from + " to " + to);
    } catch (IOException e) {
      Log.warn(
          "move of "
              + from
              + " to "
              + to
              + " failed, probably because the extension already exists: "
              + e);
    }
  }
}

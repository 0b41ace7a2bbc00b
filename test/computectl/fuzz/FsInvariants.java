package computectl.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A destination directory with a canary directory beside it, and the checks that an extraction
 * stayed inside: the parent holds only the two, the canary and its file are untouched (content,
 * times, link count: a hard link to it would raise that), and every symlink inside the destination
 * resolves inside it, on disk and not only on paper. No devices, FIFOs or setuid/setgid files
 * either.
 */
public final class FsInvariants implements AutoCloseable {
  private static final String SECRET = "canary secret";

  private final Path root;
  private final Path dest;
  private final Path canary;
  private final Path secret;
  private final FileTime canaryTime;
  private final FileTime secretTime;

  private FsInvariants(Path root) throws IOException {
    this.root = root;
    this.dest = Files.createDirectory(root.resolve("dest"));
    this.canary = Files.createDirectory(root.resolve("canary"));
    this.secret = Files.writeString(canary.resolve("secret"), SECRET);
    this.canaryTime = Files.getLastModifiedTime(canary);
    this.secretTime = Files.getLastModifiedTime(secret);
  }

  /**
   * Under /dev/shm when there is one: thousands of small extractions cost a third less on tmpfs.
   */
  public static FsInvariants create(String prefix) throws IOException {
    Path shm = Path.of("/dev/shm");
    Path dir =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? Files.createTempDirectory(shm, prefix)
            : Files.createTempDirectory(prefix);
    return new FsInvariants(dir.toRealPath());
  }

  public Path dest() {
    return dest;
  }

  public Path canary() {
    return canary;
  }

  /** Empties the destination and puts back what a fresh PGDATA would hold before a basebackup. */
  public void reset() throws IOException {
    deleteContents(dest);
    Files.writeString(dest.resolve("existing"), "written before the extraction");
  }

  /** Throws an AssertionError naming the first thing found outside or unsafe. */
  public void check() throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      Set<Path> names = Set.copyOf(s.map(Path::getFileName).toList());
      require(
          names.equals(Set.of(Path.of("dest"), Path.of("canary"))),
          "the parent now holds " + names);
    }
    try (Stream<Path> s = Files.list(canary)) {
      require(s.count() == 1, "something was added to the canary directory");
    }
    require(
        SECRET.equals(Files.readString(secret, StandardCharsets.UTF_8)), "the canary file changed");
    require(
        ((Number) Files.getAttribute(secret, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue()
            == 1,
        "the canary file got a hard link");
    require(
        Files.getLastModifiedTime(canary).equals(canaryTime)
            && Files.getLastModifiedTime(secret).equals(secretTime),
        "the canary's times changed");
    Path realDest = dest.toRealPath();
    Files.walkFileTree(
        dest,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path p, BasicFileAttributes a) throws IOException {
            if (a.isSymbolicLink()) {
              checkSymlink(p, realDest);
            } else if (a.isOther()) {
              throw new AssertionError("special file " + dest.relativize(p) + " was created");
            } else if (a.isRegularFile()) {
              int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
              require((mode & 06000) == 0, "setuid/setgid bits on " + dest.relativize(p));
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private void checkSymlink(Path link, Path realDest) throws IOException {
    Path target = link.getParent().resolve(Files.readSymbolicLink(link)).normalize();
    require(
        target.startsWith(dest),
        "symlink " + dest.relativize(link) + " points outside on paper: " + target);
    if (Files.exists(target)) {
      Path real = target.toRealPath();
      require(
          real.startsWith(realDest),
          "symlink " + dest.relativize(link) + " resolves outside: " + real);
    }
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  /**
   * Deletes what is inside {@code dir} without following symlinks (root may delete read-only
   * trees).
   */
  static void deleteContents(Path dir) throws IOException {
    List<Path> top;
    try (Stream<Path> s = Files.list(dir)) {
      top = new ArrayList<>(s.toList());
    }
    for (Path p : top) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        p.toFile().setWritable(true, true);
        Files.walkFileTree(
            p,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                d.toFile().setWritable(true, true);
                d.toFile().setExecutable(true, true);
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
              }
            });
      } else {
        Files.delete(p);
      }
    }
  }

  @Override
  public void close() throws IOException {
    deleteContents(root);
    Files.delete(root);
  }
}

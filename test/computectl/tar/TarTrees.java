package computectl.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Test helpers: a comparable description of a directory tree, and running external tools. */
final class TarTrees {
  private TarTrees() {}

  /**
   * Every path below {@code root} (not root itself) mapped to its type, permissions, mtime, size
   * and SHA-256 (files) or target (symlinks). Links are never followed.
   */
  static Map<String, String> snapshot(Path root) throws IOException {
    return snapshot(root, true);
  }

  /**
   * GNU tar fixes a directory's mtime when it leaves the directory in archive order, so a directory
   * that gets more members later (pg_basebackup appends pg_wal and global/pg_control) ends with the
   * extraction time; comparisons with it leave directory mtimes out.
   */
  static Map<String, String> snapshot(Path root, boolean directoryMtimes) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (p.equals(root)) {
          continue;
        }
        PosixFileAttributes a =
            Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String perms = PosixFilePermissions.toString(a.permissions());
        String d;
        if (a.isSymbolicLink()) {
          d = "symlink -> " + Files.readSymbolicLink(p);
        } else if (a.isDirectory()) {
          d =
              "dir "
                  + perms
                  + (directoryMtimes ? " mtime=" + a.lastModifiedTime().to(TimeUnit.SECONDS) : "");
        } else if (a.isRegularFile()) {
          d =
              "file "
                  + perms
                  + " mtime="
                  + a.lastModifiedTime().to(TimeUnit.SECONDS)
                  + " size="
                  + a.size()
                  + " sha256="
                  + sha256(p);
        } else {
          d = "other";
        }
        out.put(root.relativize(p).toString(), d);
      }
    }
    return out;
  }

  /** Fails with the first few differing paths rather than two huge maps. */
  static void assertSameTree(Map<String, String> expected, Map<String, String> actual) {
    List<String> diffs = new ArrayList<>();
    java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    for (String k : keys) {
      if (!java.util.Objects.equals(expected.get(k), actual.get(k))) {
        diffs.add(k + ": expected " + expected.get(k) + ", got " + actual.get(k));
      }
    }
    if (!diffs.isEmpty()) {
      throw new AssertionError(
          diffs.size()
              + " paths differ:\n"
              + String.join("\n", diffs.subList(0, Math.min(10, diffs.size()))));
    }
  }

  static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      StringBuilder sb = new StringBuilder();
      for (byte b : md.digest()) {
        sb.append(String.format("%02x", b));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a command (in {@code dir}), failing the test on a non-zero exit; returns its stdout. */
  static String run(Path dir, String... cmd) {
    try {
      Process p =
          new ProcessBuilder(List.of(cmd))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String l : text.split("\n")) {
      if (!l.isEmpty()) {
        out.add(l);
      }
    }
    return out;
  }
}

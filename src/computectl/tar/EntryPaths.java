package computectl.tar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Lexical checks of archive paths and link targets, before anything touches the disk. A path
 * becomes a list of plain components (empty and "." components dropped); anything that could name a
 * place outside the destination is refused.
 */
final class EntryPaths {
  private EntryPaths() {}

  /** The components of an entry path (empty for the archive root "./"). */
  static List<String> components(String entryPath, ExtractLimits limits) {
    checkLength(entryPath, entryPath, "path", limits);
    if (entryPath.startsWith("/")) {
      throw TarException.entry(entryPath, "path is absolute");
    }
    List<String> parts = split(entryPath);
    if (parts.contains("..")) {
      throw TarException.entry(entryPath, "path contains a \"..\" component");
    }
    if (parts.size() > limits.maxPathComponents()) {
      throw TarException.entry(
          entryPath,
          "path has "
              + parts.size()
              + " components, more than the limit of "
              + limits.maxPathComponents());
    }
    return parts;
  }

  /** The components of a hard link's target, an archive path like any entry's. */
  static List<String> hardLinkTarget(String entryPath, String target, ExtractLimits limits) {
    checkLength(entryPath, target, "hard link target", limits);
    if (target.isEmpty()) {
      throw TarException.entry(entryPath, "hard link target is empty");
    }
    if (target.startsWith("/")) {
      throw TarException.entry(
          entryPath, "hard link target " + TarException.printable(target) + " is absolute");
    }
    List<String> parts = split(target);
    if (parts.contains("..")) {
      throw TarException.entry(
          entryPath,
          "hard link target " + TarException.printable(target) + " contains a \"..\" component");
    }
    if (parts.isEmpty() || parts.size() > limits.maxPathComponents()) {
      throw TarException.entry(
          entryPath, "hard link target " + TarException.printable(target) + " is not a file path");
    }
    return parts;
  }

  /**
   * Refuses a symlink target that could resolve outside the destination. Only leading ".."
   * components are accepted: they climb through the link's own parent directories, which the
   * extractor has verified to be real directories and never replaces, so the climb means the same
   * on disk as on paper. A ".." after a normal component could climb out of a symlink instead, so
   * it is refused even when it would look harmless lexically.
   */
  static void checkSymlinkTarget(
      String entryPath, List<String> linkParts, String target, ExtractLimits limits) {
    checkLength(entryPath, target, "symlink target", limits);
    String shown = TarException.printable(target);
    if (target.isEmpty()) {
      throw TarException.entry(entryPath, "symlink target is empty");
    }
    if (target.startsWith("/")) {
      throw TarException.entry(entryPath, "symlink target " + shown + " is absolute");
    }
    int climbs = 0;
    boolean descended = false;
    for (String part : split(target)) {
      if (!part.equals("..")) {
        descended = true;
      } else if (descended) {
        throw TarException.entry(
            entryPath, "symlink target " + shown + " has a \"..\" after a normal component");
      } else {
        climbs++;
      }
    }
    if (climbs > linkParts.size() - 1) {
      throw TarException.entry(
          entryPath, "symlink target " + shown + " points outside the destination");
    }
  }

  private static void checkLength(
      String entryPath, String value, String what, ExtractLimits limits) {
    if (value.indexOf('\0') >= 0) {
      throw TarException.entry(entryPath, what + " contains a NUL byte");
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > limits.maxPathBytes()) {
      throw TarException.entry(
          entryPath,
          what + " is " + bytes + " bytes long, more than the limit of " + limits.maxPathBytes());
    }
  }

  private static List<String> split(String path) {
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      if (!p.isEmpty() && !p.equals(".")) {
        parts.add(p);
      }
    }
    return parts;
  }
}

package computectl.tar;

/**
 * One member of a tar archive after every extension header (GNU long name/link, pax) has been
 * applied. {@code path} and {@code linkTarget} are exactly as the archive spells them (a directory
 * usually ends in "/"); {@code linkTarget} is empty unless the entry is a link. {@code mode} holds
 * the permission bits of the header; {@code mtime} is in epoch seconds.
 */
public record TarEntry(String path, Type type, int mode, long size, long mtime, String linkTarget) {
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    HARDLINK,
    CHAR_DEVICE,
    BLOCK_DEVICE,
    FIFO,
    OTHER
  }

  public TarEntry {
    if (path == null || type == null) {
      throw new IllegalArgumentException("tar entry needs a path and a type");
    }
    linkTarget = linkTarget == null ? "" : linkTarget;
  }

  public static TarEntry file(String path, int mode, long size, long mtime) {
    return new TarEntry(path, Type.FILE, mode, size, mtime, "");
  }

  public static TarEntry directory(String path, int mode, long mtime) {
    return new TarEntry(path, Type.DIRECTORY, mode, 0, mtime, "");
  }

  public static TarEntry symlink(String path, String target, long mtime) {
    return new TarEntry(path, Type.SYMLINK, 0777, 0, mtime, target);
  }

  public static TarEntry hardLink(String path, String target, long mtime) {
    return new TarEntry(path, Type.HARDLINK, 0644, 0, mtime, target);
  }
}

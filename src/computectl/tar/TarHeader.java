package computectl.tar;

import java.nio.charset.StandardCharsets;

/**
 * The raw fields of one 512-byte header, for writing archives exactly as a test or stand-in wants
 * them, hostile ones included: any type flag, any size (negative ones are stored in base-256),
 * names as given. Strings are stored as UTF-8 and must fit their field.
 */
public record TarHeader(
    String name,
    char typeFlag,
    int mode,
    long size,
    long mtime,
    String linkName,
    String prefix,
    Magic magic,
    boolean base256) {

  /** Which header dialect the magic field announces. */
  public enum Magic {
    /** POSIX ustar ("ustar\0" "00"): the prefix field extends the name. */
    USTAR,
    /** Old GNU ("ustar \0"): no prefix field; long names go in 'L' records. */
    GNU,
    /** Seventh Edition Unix: no magic at all. */
    V7
  }

  public static TarHeader of(String name, char typeFlag, long size) {
    return new TarHeader(name, typeFlag, 0644, size, 0, "", "", Magic.USTAR, false);
  }

  public TarHeader withMtime(long v) {
    return new TarHeader(name, typeFlag, mode, size, v, linkName, prefix, magic, base256);
  }

  public TarHeader withMagic(Magic v) {
    return new TarHeader(name, typeFlag, mode, size, mtime, linkName, prefix, v, base256);
  }

  /** Store size, mtime and mode in base-256 even when they would fit in octal. */
  public TarHeader withBase256(boolean v) {
    return new TarHeader(name, typeFlag, mode, size, mtime, linkName, prefix, magic, v);
  }

  /** The 512 header bytes with a correct checksum. */
  public byte[] encode() {
    byte[] h = new byte[TarFormat.BLOCK];
    putString(h, TarFormat.NAME, TarFormat.NAME_LEN, name, "name");
    TarFormat.putNumber(h, TarFormat.MODE, 8, mode, base256);
    TarFormat.putNumber(h, TarFormat.UID, 8, 0, false);
    TarFormat.putNumber(h, TarFormat.GID, 8, 0, false);
    TarFormat.putNumber(h, TarFormat.SIZE, 12, size, base256);
    TarFormat.putNumber(h, TarFormat.MTIME, 12, mtime, base256);
    h[TarFormat.TYPE] = (byte) typeFlag;
    putString(h, TarFormat.LINK_NAME, TarFormat.LINK_NAME_LEN, linkName, "link name");
    switch (magic) {
      case USTAR -> {
        putString(h, TarFormat.MAGIC, 8, "ustar\0" + "00", "magic");
        putString(h, TarFormat.PREFIX, TarFormat.PREFIX_LEN, prefix, "prefix");
      }
      case GNU -> putString(h, TarFormat.MAGIC, 8, "ustar  ", "magic");
      case V7 -> {}
    }
    if (magic != Magic.USTAR && !prefix.isEmpty()) {
      throw new IllegalArgumentException("only ustar headers have a prefix field");
    }
    TarFormat.putChecksum(h, TarFormat.checksums(h)[0]);
    return h;
  }

  private static void putString(byte[] h, int off, int len, String value, String field) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    if (b.length > len) {
      throw new IllegalArgumentException(
          "tar header " + field + " of " + b.length + " bytes does not fit in " + len);
    }
    System.arraycopy(b, 0, h, off, b.length);
  }
}

package computectl.tar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Tar entries no well-behaved writer produces, for the tests of the reader and extractor. */
public final class HostileEntry {
  private HostileEntry() {}

  /**
   * Any path (GNU long name when long), raw type flag, link target, declared size (negative ones in
   * base-256), and a body written as given, padded to a block, whatever the declared size says.
   */
  public static void write(
      TarWriter w, String path, char typeFlag, String linkTarget, long declaredSize, byte[] body)
      throws IOException {
    String name = path;
    String link = linkTarget;
    TarHeader.Magic magic = TarHeader.Magic.USTAR;
    if (utf8Length(path) > TarFormat.NAME_LEN || utf8Length(linkTarget) > TarFormat.LINK_NAME_LEN) {
      magic = TarHeader.Magic.GNU;
      name = longName(w, 'L', path);
      link = longName(w, 'K', linkTarget);
    }
    w.writeHeader(
        new TarHeader(name, typeFlag, 0644, declaredSize, 0, link, "", magic, declaredSize < 0));
    w.writeData(body);
  }

  private static String longName(TarWriter w, char type, String value) throws IOException {
    if (utf8Length(value) <= TarFormat.NAME_LEN) {
      return value;
    }
    w.writeGnuLongName(type, value);
    int end = Math.min(value.length(), TarFormat.NAME_LEN);
    while (utf8Length(value.substring(0, end)) > TarFormat.NAME_LEN) {
      end--;
    }
    return value.substring(0, end);
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}

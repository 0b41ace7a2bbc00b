package computectl.tar;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes tar archives: POSIX ustar headers (long paths split into prefix and name), GNU long name
 * and long link records when a path or target does not fit, and a pax header when a size or mtime
 * does not fit the octal fields. Also writes whatever hostile header, extension record or raw bytes
 * a test or stand-in asks for. {@link #close()} ends the archive.
 */
public final class TarWriter implements Closeable {
  private static final String GNU_LONG_LINK_NAME = "././@LongLink";
  private static final String PAX_NAME = "././@PaxHeader";

  private final OutputStream out;
  private final byte[] copyBuf = new byte[TarReader.BUFFER_SIZE];
  private boolean finished;

  public TarWriter(OutputStream out) {
    this.out = new BufferedOutputStream(out, TarReader.BUFFER_SIZE);
  }

  /**
   * Writes one entry; for files, exactly {@code entry.size()} bytes are taken from {@code body}.
   * Type OTHER has no single type flag: use {@link #writeHeader}.
   */
  public void write(TarEntry entry, InputStream body) throws IOException {
    if (entry.type() == TarEntry.Type.OTHER) {
      throw new IllegalArgumentException(
          "entry type OTHER has no type flag; write its header with writeHeader");
    }
    long size = entry.type() == TarEntry.Type.FILE ? entry.size() : 0;
    writeEntryHeader(
        entry.path(), flag(entry.type()), entry.mode(), size, entry.mtime(), entry.linkTarget());
    if (size > 0) {
      copy(entry.path(), body, size);
    }
  }

  public void writeFile(String path, int mode, long mtime, byte[] content) throws IOException {
    write(TarEntry.file(path, mode, content.length, mtime), new ByteArrayInputStream(content));
  }

  public void writeDirectory(String path, int mode, long mtime) throws IOException {
    write(
        TarEntry.directory(path.endsWith("/") ? path : path + "/", mode, mtime),
        InputStream.nullInputStream());
  }

  public void writeSymlink(String path, String target, long mtime) throws IOException {
    write(TarEntry.symlink(path, target, mtime), InputStream.nullInputStream());
  }

  public void writeHardLink(String path, String target, long mtime) throws IOException {
    write(TarEntry.hardLink(path, target, mtime), InputStream.nullInputStream());
  }

  /**
   * A pax extended header ('x' for the next entry, 'g' global) holding {@code records} in order.
   */
  public void writePaxHeader(boolean global, Map<String, String> records) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    records.forEach((k, v) -> data.writeBytes(PaxRecords.record(k, v)));
    byte[] bytes = data.toByteArray();
    writeHeader(
        TarHeader.of(global ? "pax_global_header" : PAX_NAME, global ? 'g' : 'x', bytes.length));
    writeData(bytes);
  }

  /** A GNU long name ('L') or long link ('K') record holding {@code value}. */
  public void writeGnuLongName(char type, String value) throws IOException {
    byte[] bytes = (value + "\0").getBytes(StandardCharsets.UTF_8);
    writeHeader(
        TarHeader.of(GNU_LONG_LINK_NAME, type, bytes.length).withMagic(TarHeader.Magic.GNU));
    writeData(bytes);
  }

  public void writeHeader(TarHeader header) throws IOException {
    out.write(header.encode());
  }

  /** {@code data} followed by zeros up to the next block boundary. */
  public void writeData(byte[] data) throws IOException {
    out.write(data);
    out.write(new byte[(int) TarFormat.padding(data.length)]);
  }

  /** Bytes exactly as given, for truncated or misaligned archives. */
  public void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  /** The end-of-archive marker (two zero blocks); flushes but leaves the stream open. */
  public void finish() throws IOException {
    if (!finished) {
      finished = true;
      out.write(new byte[2 * TarFormat.BLOCK]);
    }
    out.flush();
  }

  @Override
  public void close() throws IOException {
    finish();
    out.close();
  }

  private void writeEntryHeader(
      String path, char type, int mode, long size, long mtime, String link) throws IOException {
    Map<String, String> pax = new LinkedHashMap<>();
    if (!TarFormat.fitsOctal(size, 12)) {
      pax.put("size", Long.toString(size));
    }
    if (!TarFormat.fitsOctal(mtime, 12)) {
      pax.put("mtime", Long.toString(mtime));
    }
    if (!pax.isEmpty()) {
      writePaxHeader(false, pax);
    }
    String name = path;
    String prefix = "";
    String linkName = link;
    TarHeader.Magic magic = TarHeader.Magic.USTAR;
    int split = utf8Length(path) > TarFormat.NAME_LEN ? prefixSplit(path) : -1;
    if (split > 0) {
      prefix = path.substring(0, split);
      name = path.substring(split + 1);
    } else if (utf8Length(path) > TarFormat.NAME_LEN
        || utf8Length(link) > TarFormat.LINK_NAME_LEN) {
      magic = TarHeader.Magic.GNU;
      name = longName('L', path);
      linkName = longName('K', link);
    }
    writeHeader(
        new TarHeader(name, type, mode & 07777, size, mtime, linkName, prefix, magic, false));
  }

  /**
   * Writes a GNU record when {@code value} is too long, returning what fits in the header field.
   */
  private String longName(char type, String value) throws IOException {
    if (utf8Length(value) <= TarFormat.NAME_LEN) {
      return value;
    }
    writeGnuLongName(type, value);
    int end = Math.min(value.length(), TarFormat.NAME_LEN);
    while (utf8Length(value.substring(0, end)) > TarFormat.NAME_LEN) {
      end--;
    }
    return value.substring(0, end);
  }

  /** Where to split a long path into ustar prefix and name, or -1 when no "/" works. */
  private static int prefixSplit(String path) {
    for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
      if (utf8Length(path.substring(0, i)) <= TarFormat.PREFIX_LEN
          && utf8Length(path.substring(i + 1)) <= TarFormat.NAME_LEN
          && i + 1 < path.length()) {
        return i;
      }
    }
    return -1;
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private void copy(String path, InputStream body, long size) throws IOException {
    long left = size;
    while (left > 0) {
      int n = body.read(copyBuf, 0, (int) Math.min(copyBuf.length, left));
      if (n < 0) {
        throw new IOException(
            "body of " + path + " ended after " + (size - left) + " of " + size + " bytes");
      }
      out.write(copyBuf, 0, n);
      left -= n;
    }
    out.write(new byte[(int) TarFormat.padding(size)]);
  }

  private static char flag(TarEntry.Type type) {
    return switch (type) {
      case FILE, OTHER -> '0'; // OTHER is refused by write()
      case DIRECTORY -> '5';
      case SYMLINK -> '2';
      case HARDLINK -> '1';
      case CHAR_DEVICE -> '3';
      case BLOCK_DEVICE -> '4';
      case FIFO -> '6';
    };
  }
}

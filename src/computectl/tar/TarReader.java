package computectl.tar;

import static computectl.tar.TarFormat.BLOCK;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Streaming tar reader: ustar (with the prefix field), old GNU and v7 headers, GNU long names and
 * long link targets ({@code L}, {@code K}), pax extended headers ({@code x} for the next entry,
 * {@code g} for all later ones) and base-256 numbers. Every header checksum is verified.
 *
 * <p>Reads the underlying stream in large chunks and hands big body reads straight through, so the
 * per-byte cost is one copy at most. The end-of-archive marker is the first all-zero block; {@link
 * #drain()} then consumes whatever follows.
 */
public final class TarReader {
  public static final int BUFFER_SIZE = 256 * 1024;
  public static final int DEFAULT_MAX_METADATA_BYTES = 1 << 20;

  private final InputStream in;
  private final int maxMetadataBytes;
  private final byte[] buf = new byte[BUFFER_SIZE];
  private int pos;
  private int limit;

  /** Stream offset of {@code buf[pos]}: bytes of the archive consumed so far. */
  private long offset;

  private final byte[] header = new byte[BLOCK];
  private final Map<String, String> globalPax = new HashMap<>();
  private final InputStream body = new BodyStream();

  private TarEntry current;

  /** Path of the last entry returned, for errors in the headers after it. */
  private String lastPath;

  private long remaining;
  private boolean ended;

  public TarReader(InputStream in) {
    this(in, DEFAULT_MAX_METADATA_BYTES);
  }

  /** {@code maxMetadataBytes} bounds each GNU long name/link record and pax header. */
  public TarReader(InputStream in, int maxMetadataBytes) {
    this.in = in;
    this.maxMetadataBytes = maxMetadataBytes;
  }

  /**
   * The next entry, skipping whatever is left of the current one's body; null at the end-of-archive
   * marker (and on every later call).
   */
  public TarEntry next() throws IOException {
    if (ended) {
      return null;
    }
    if (current != null) {
      skip(remaining + TarFormat.padding(current.size()), current.path());
      current = null;
      remaining = 0;
    }
    PendingNames pending = new PendingNames();
    long metadata = 0;
    while (true) {
      long headerOffset = offset;
      readHeader(pending);
      if (TarFormat.isZeroBlock(header)) {
        ended = true;
        return null;
      }
      verifyChecksum(headerOffset);
      char type = (char) (header[TarFormat.TYPE] & 0xff);
      long size = TarFormat.parseNumber(header, TarFormat.SIZE, 12, "size", headerOffset);
      if ("LKxg".indexOf(type) >= 0 && size > 0 && size <= maxMetadataBytes) {
        // An endless run of extension headers would otherwise never yield an entry (nor end).
        metadata += size;
        if (metadata > maxMetadataBytes) {
          throw TarException.entry(
              rawName(headerOffset),
              "extension headers before one entry exceed the limit of "
                  + maxMetadataBytes
                  + " bytes");
        }
      }
      switch (type) {
        case 'L' ->
            pending.longName =
                longName(readMetadata(size, "GNU long name record", headerOffset), headerOffset);
        case 'K' ->
            pending.longLink =
                longName(readMetadata(size, "GNU long link record", headerOffset), headerOffset);
        case 'x' ->
            pending.pax.putAll(
                PaxRecords.parse(
                    readMetadata(size, "pax extended header", headerOffset),
                    rawName(headerOffset),
                    headerOffset));
        case 'g' ->
            applyGlobal(
                PaxRecords.parse(
                    readMetadata(size, "pax global header", headerOffset),
                    rawName(headerOffset),
                    headerOffset));
        default -> {
          current = entry(type, size, pending, headerOffset);
          lastPath = current.path();
          remaining = current.size();
          return current;
        }
      }
    }
  }

  /** The current entry's body; reads end (-1) after {@code size} bytes. */
  public InputStream body() {
    return body;
  }

  /** Bytes of the archive consumed so far. */
  public long offset() {
    return offset;
  }

  /**
   * After the end-of-archive marker, reads the underlying stream to its end and returns how many
   * bytes followed the marker block. A stream that reports an error only once the archive is
   * complete (a COPY stream whose server failed late) thus still fails here.
   */
  public long drain() throws IOException {
    return drain(Long.MAX_VALUE);
  }

  /**
   * {@link #drain()}, refusing a stream that goes on for more than {@code maxBytes} after the
   * marker.
   */
  public long drain(long maxBytes) throws IOException {
    if (!ended) {
      throw new IllegalStateException("drain() before the end-of-archive marker");
    }
    long n = (long) limit - pos;
    offset += n;
    pos = limit;
    int r;
    while (n <= maxBytes && (r = in.read(buf, 0, buf.length)) >= 0) {
      n += r;
      offset += r;
    }
    if (n > maxBytes) {
      throw new TarException(
          "more than " + maxBytes + " bytes of data after the end-of-archive marker");
    }
    return n;
  }

  private static final class PendingNames {
    String longName;
    String longLink;
    final Map<String, String> pax = new HashMap<>();
  }

  private void readHeader(PendingNames pending) throws IOException {
    if (!fill(BLOCK)) {
      String where = lastPath != null ? " after entry " + TarException.printable(lastPath) : "";
      if (pending.longName != null || !pending.pax.isEmpty() || pending.longLink != null) {
        where = " after an extension header";
      }
      throw new TarException(
          limit == pos
              ? "unexpected end of tar stream" + where + ": no end-of-archive marker"
              : "unexpected end of tar stream in the header at byte offset " + offset);
    }
    System.arraycopy(buf, pos, header, 0, BLOCK);
    pos += BLOCK;
    offset += BLOCK;
  }

  private void verifyChecksum(long headerOffset) {
    long stored;
    try {
      stored =
          TarFormat.parseNumber(
              header, TarFormat.CHECKSUM, TarFormat.CHECKSUM_LEN, "checksum", headerOffset);
    } catch (TarException e) {
      throw new TarException(
          "invalid tar header checksum at byte offset "
              + headerOffset
              + ": the field is not a number");
    }
    long[] sums = TarFormat.checksums(header);
    if (stored != sums[0] && stored != sums[1]) {
      throw new TarException(
          "invalid tar header checksum at byte offset "
              + headerOffset
              + " (stored "
              + stored
              + ", computed "
              + sums[0]
              + ")");
    }
  }

  private TarEntry entry(char typeFlag, long headerSize, PendingNames pending, long headerOffset) {
    Map<String, String> pax = records(pending.pax);
    String path =
        pax.getOrDefault(
            "path", pending.longName != null ? pending.longName : headerPath(headerOffset));
    String link =
        pax.getOrDefault(
            "linkpath",
            pending.longLink != null
                ? pending.longLink
                : TarFormat.utf8(
                    TarFormat.fieldBytes(header, TarFormat.LINK_NAME, TarFormat.LINK_NAME_LEN),
                    "link name",
                    headerOffset));
    long size = pax.containsKey("size") ? PaxRecords.size(pax.get("size"), path) : headerSize;
    long mtime =
        pax.containsKey("mtime")
            ? PaxRecords.mtime(pax.get("mtime"), path)
            : TarFormat.parseNumber(header, TarFormat.MTIME, 12, "mtime", headerOffset);
    int mode =
        (int) (TarFormat.parseNumber(header, TarFormat.MODE, 8, "mode", headerOffset) & 07777);
    if (size < 0) {
      throw TarException.entry(path, "size " + size + " is negative");
    }
    TarEntry.Type type = typeOf(typeFlag, path);
    if (hasSparseRecord(pax)) {
      type = TarEntry.Type.OTHER; // the body is a sparse map, not the file content
    }
    return new TarEntry(path, type, mode, size, mtime, isLink(type) ? link : "");
  }

  /**
   * The pax records that apply to the entry: the global ones, overridden by its own, less those an
   * empty value deletes. Most archives have none: no maps are built then.
   */
  private Map<String, String> records(Map<String, String> own) {
    if (globalPax.isEmpty() && own.isEmpty()) {
      return Map.of();
    }
    Map<String, String> pax = new HashMap<>(globalPax);
    pax.putAll(own);
    pax.values().removeIf(String::isEmpty);
    return pax;
  }

  /**
   * A plain loop, not a stream: this runs for every entry, and a cold start runs it interpreted,
   * where a stream pipeline costs dozens of calls even over an empty map.
   */
  private static boolean hasSparseRecord(Map<String, String> pax) {
    for (String key : pax.keySet()) {
      if (key.startsWith("GNU.sparse.")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isLink(TarEntry.Type type) {
    return type == TarEntry.Type.SYMLINK || type == TarEntry.Type.HARDLINK;
  }

  private static TarEntry.Type typeOf(char flag, String path) {
    return switch (flag) {
      case '0', '\0', '7' -> path.endsWith("/") ? TarEntry.Type.DIRECTORY : TarEntry.Type.FILE;
      case '1' -> TarEntry.Type.HARDLINK;
      case '2' -> TarEntry.Type.SYMLINK;
      case '3' -> TarEntry.Type.CHAR_DEVICE;
      case '4' -> TarEntry.Type.BLOCK_DEVICE;
      case '5' -> TarEntry.Type.DIRECTORY;
      case '6' -> TarEntry.Type.FIFO;
      default -> TarEntry.Type.OTHER;
    };
  }

  /** The name field, joined with the prefix field in POSIX ustar headers (not in old GNU ones). */
  private String headerPath(long headerOffset) {
    String name = rawName(headerOffset);
    if (TarFormat.startsWith(header, TarFormat.MAGIC, "ustar\0")) {
      byte[] prefix = TarFormat.fieldBytes(header, TarFormat.PREFIX, TarFormat.PREFIX_LEN);
      if (prefix.length > 0) {
        return TarFormat.utf8(prefix, "path prefix", headerOffset) + "/" + name;
      }
    }
    return name;
  }

  private String rawName(long headerOffset) {
    return TarFormat.utf8(
        TarFormat.fieldBytes(header, TarFormat.NAME, TarFormat.NAME_LEN),
        "entry name",
        headerOffset);
  }

  private void applyGlobal(Map<String, String> records) {
    records.forEach(
        (k, v) -> {
          if (v.isEmpty()) {
            globalPax.remove(k);
          } else {
            globalPax.put(k, v);
          }
        });
    long held =
        globalPax.entrySet().stream()
            .mapToLong(e -> e.getKey().length() + e.getValue().length())
            .sum();
    if (held > maxMetadataBytes) {
      throw new TarException(
          "pax global headers hold more than " + maxMetadataBytes + " bytes of records");
    }
  }

  private byte[] readMetadata(long size, String what, long headerOffset) throws IOException {
    String name = rawName(headerOffset);
    if (size < 0) {
      throw TarException.entry(name, what + " has negative size " + size);
    }
    if (size > maxMetadataBytes) {
      throw TarException.entry(
          name,
          what + " of " + size + " bytes exceeds the limit of " + maxMetadataBytes + " bytes");
    }
    byte[] data = new byte[(int) size];
    int got = 0;
    while (got < data.length) {
      int n = readBody(data, got, data.length - got, name);
      got += n;
    }
    skip(TarFormat.padding(size), name);
    return data;
  }

  /** A GNU long name or link record: the name up to its NUL terminator. */
  private static String longName(byte[] data, long headerOffset) {
    return TarFormat.utf8(
        TarFormat.fieldBytes(data, 0, data.length), "GNU long name", headerOffset);
  }

  /** Ensures {@code n} bytes are buffered; false when the stream ends first. */
  private boolean fill(int n) throws IOException {
    if (limit - pos >= n) {
      return true;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    while (limit < n) {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        return false;
      }
      limit += r;
    }
    return true;
  }

  /** Reads 1..len bytes of body; the stream ending here is a truncated archive. */
  private int readBody(byte[] b, int off, int len, String path) throws IOException {
    int n;
    if (pos < limit) {
      n = Math.min(len, limit - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
    } else if (len >= BLOCK * 16) {
      n = in.read(b, off, len);
    } else {
      pos = 0;
      limit = 0;
      int r = in.read(buf, 0, buf.length);
      n = r < 0 ? -1 : Math.min(len, r);
      if (r > 0) {
        limit = r;
        System.arraycopy(buf, 0, b, off, n);
        pos = n;
      }
    }
    if (n < 0) {
      throw new TarException(
          "unexpected end of tar stream in entry " + TarException.printable(path));
    }
    offset += n;
    return n;
  }

  private void skip(long n, String path) throws IOException {
    long left = n;
    while (left > 0) {
      if (pos == limit) {
        pos = 0;
        limit = 0;
        int r = in.read(buf, 0, buf.length);
        if (r < 0) {
          throw new TarException(
              "unexpected end of tar stream in entry " + TarException.printable(path));
        }
        limit = r;
      }
      int step = (int) Math.min(left, limit - pos);
      pos += step;
      offset += step;
      left -= step;
    }
  }

  private final class BodyStream extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (current == null || remaining == 0) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      int n = readBody(b, off, (int) Math.min(len, remaining), current.path());
      remaining -= n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      if (current == null || n <= 0) {
        return 0;
      }
      long step = Math.min(n, remaining);
      TarReader.this.skip(step, current.path());
      remaining -= step;
      return step;
    }

    @Override
    public int available() {
      return current == null ? 0 : (int) Math.min(remaining, limit - pos);
    }
  }
}

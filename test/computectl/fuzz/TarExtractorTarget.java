package computectl.fuzz;

import computectl.tar.ExtractLimits;
import computectl.tar.HostileEntry;
import computectl.tar.TarException;
import computectl.tar.TarExtractor;
import computectl.tar.TarWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The tar extractor on mutated archives. Mutations know the header layout: half of them rewrite a
 * header field (path, link target, type, size, mode) with a hostile value, and most cases get their
 * header checksums fixed so that the extractor sees more than checksum errors. The destination
 * holds a symlink to a canary directory beside it; after every case nothing may have changed
 * outside the destination ({@link FsInvariants}).
 */
public final class TarExtractorTarget implements FuzzTarget {
  private static final int BLOCK = 512;
  private static final String[] PATHS = {
    "../x",
    "/tmp/x",
    "out/x",
    "out",
    "a/../../x",
    "",
    ".",
    "./",
    "a//b",
    "x/",
    "existing/x",
    "existing",
    "d/".repeat(70) + "f",
    "p".repeat(150),
    "a\0b",
    "sub/../sub/f",
    "..",
    "out/../x",
    "base/1",
    "link",
    "hard",
    "ü/€",
    "a/b/c/d"
  };
  private static final String[] SIZES = {
    "00000000000",
    "00000001000",
    "77777777777",
    "-0000000001",
    "99999999999",
    "0000000001\0",
    "\u0080\0\0\0\0\0\0\0\u00ff\u00ff\u00ff",
    "\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff",
    "00000000777"
  };
  private static final String TYPES = "0123456789LKxgSVADM\0";

  private final List<byte[]> corpus = new ArrayList<>();
  private final FsInvariants fs;
  private final ExtractLimits limits =
      ExtractLimits.DEFAULTS.withMaxEntrySize(1 << 20).withMaxPathComponents(32);

  public TarExtractorTarget() throws IOException {
    fs = FsInvariants.create("computectl-fuzz-tar-");
    corpus.add(
        tar(
            w -> {
              w.writeDirectory("base", 0700, 1_700_000_000L);
              w.writeFile("base/1", 0600, 1_700_000_000L, bytes("relation data"));
              w.writeSymlink("link", "base/1", 0);
              w.writeHardLink("hard", "base/1", 0);
              w.writeDirectory("pg_dynshmem", 0700, 0);
              w.writeFile("PG_VERSION", 0600, 0, bytes("15\n"));
            }));
    corpus.add(
        tar(
            w -> {
              w.writePaxHeader(false, Map.of("path", "renamed/by/pax", "mtime", "1700000000.5"));
              w.writeFile("short", 0644, 0, bytes("pax"));
              w.writePaxHeader(true, Map.of("comment", "global"));
              w.writeFile("l".repeat(180) + "/n", 0644, 0, bytes("long name"));
              w.writeSymlink("sym", "t".repeat(120), 0);
            }));
    corpus.add(
        tar(
            w -> {
              w.writeFile("dup", 0644, 0, bytes("first"));
              w.writeSymlink("dup", "base", 0);
              w.writeFile("dup", 0644, 0, bytes("second"));
              w.writeDirectory("ro", 0500, 0);
              w.writeFile("ro/f", 0400, 0, bytes("read only"));
              w.writeFile("./dot/./slash//f", 0644, 0, new byte[1500]);
            }));
    corpus.add(
        tar(
            w -> {
              w.writeFile("out/x", 0644, 0, bytes("through the preexisting symlink"));
              HostileEntry.write(w, "fifo", '6', "", 0, new byte[0]);
              w.writeHardLink("h", "out/secret", 0);
              w.writeSymlink("up", "../canary", 0);
            }));
  }

  private interface Body {
    void write(TarWriter w) throws IOException;
  }

  private static byte[] tar(Body body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      body.write(w);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String name() {
    return "tar";
  }

  @Override
  public List<byte[]> corpus() {
    return corpus;
  }

  @Override
  public List<String> dictionary() {
    return List.of(
        "../",
        "/",
        "./",
        "\0",
        "path=",
        "linkpath=",
        "size=",
        "ustar\0",
        "00000000000",
        "././@LongLink");
  }

  @Override
  public int maxInputBytes() {
    return 256 << 10;
  }

  @Override
  public byte[] mutate(byte[] input, SplittableRandom r, Mutator mutator) {
    List<Integer> headers = headerOffsets(input);
    byte[] out =
        !headers.isEmpty() && r.nextBoolean()
            ? mutateField(input, headers.get(r.nextInt(headers.size())), r)
            : mutator.mutate(input, r);
    if (r.nextInt(10) != 0) {
      fixChecksums(out);
    }
    return out;
  }

  /** 512-aligned blocks that carry the ustar magic. */
  private static List<Integer> headerOffsets(byte[] b) {
    List<Integer> offsets = new ArrayList<>();
    for (int at = 0; at + BLOCK <= b.length; at += BLOCK) {
      if (b[at + 257] == 'u'
          && b[at + 258] == 's'
          && b[at + 259] == 't'
          && b[at + 260] == 'a'
          && b[at + 261] == 'r') {
        offsets.add(at);
      }
    }
    return offsets;
  }

  private static byte[] mutateField(byte[] in, int header, SplittableRandom r) {
    byte[] out = in.clone();
    switch (r.nextInt(6)) {
      case 0 -> field(out, header, 100, PATHS[r.nextInt(PATHS.length)]);
      case 1 -> field(out, header + 157, 100, PATHS[r.nextInt(PATHS.length)]);
      case 2 -> out[header + 156] = (byte) TYPES.charAt(r.nextInt(TYPES.length()));
      case 3 -> field(out, header + 124, 12, SIZES[r.nextInt(SIZES.length)]);
      case 4 -> field(out, header + 100, 8, String.format("%07o", r.nextInt(1 << 15)));
      default -> field(out, header + 345, 155, PATHS[r.nextInt(PATHS.length)]);
    }
    return out;
  }

  /** Writes {@code value} (ISO-8859-1, so each char is one byte) NUL-padded into a field. */
  private static void field(byte[] b, int at, int len, String value) {
    byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < len; i++) {
      b[at + i] = i < v.length ? v[i] : 0;
    }
  }

  private static void fixChecksums(byte[] b) {
    for (int at : headerOffsets(b)) {
      long sum = 0;
      for (int i = 0; i < BLOCK; i++) {
        sum += (i >= 148 && i < 156) ? ' ' : b[at + i] & 0xFF;
      }
      byte[] digits = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(digits, 0, b, at + 148, 6);
      b[at + 154] = 0;
      b[at + 155] = ' ';
    }
  }

  @Override
  public void run(byte[] input, Probe probe) throws IOException {
    fs.reset();
    probe.attempt(
        "extract", () -> TarExtractor.extract(new ByteArrayInputStream(input), fs.dest(), limits));
  }

  @Override
  public boolean isOurError(Throwable t) {
    return t instanceof TarException;
  }

  @Override
  public void checkInvariants() throws IOException {
    fs.check();
  }

  @Override
  public void close() throws IOException {
    fs.close();
  }
}

package computectl.extension;

import computectl.util.ChildProcesses;
import computectl.util.Log;
import computectl.util.NamedThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decompresses a {@code .tar.zst} archive by streaming it through the {@code zstd} program ({@code
 * zstd -d -c}), handing the decompressed stream to a reader (the tar extractor).
 *
 * <p>Decision: we run the reference {@code zstd} program instead of writing a decoder of our own. A
 * correct Zstandard decoder (frames, FSE and Huffman tables, sequence execution, repeat offsets,
 * window limits, checksums) is well over a thousand lines of subtle code that would decode
 * untrusted archives and would need its own fuzzing to be trusted; the reference implementation has
 * that already. Upstream links libzstd for the same job. The cost is one short-lived process per
 * downloaded extension (a few milliseconds next to the download) and a runtime dependency: the
 * {@code zstd} program (Debian package {@code zstd}) must be on the PATH of the compute image.
 * Decompression streams; nothing of the expanded archive is held in memory, and the stream still
 * goes through the safe tar extractor.
 */
final class ZstdProcess {
  static final String DEFAULT_PROGRAM = "zstd";
  private static final long EXIT_WAIT_SECONDS = 30;

  /** Consumes the decompressed stream. */
  @FunctionalInterface
  interface StreamReader<T> {
    T read(InputStream in) throws IOException;
  }

  private final String program;
  private final ChildProcesses children;

  ZstdProcess(String program, ChildProcesses children) {
    this.program = program;
    this.children = children;
  }

  /**
   * Runs {@code reader} on the decompression of {@code compressed}. A zstd failure wins over the
   * reader's error, since a broken stream is what makes the reader fail.
   */
  <T> T decompress(byte[] compressed, String what, StreamReader<T> reader) {
    Process p = start(what);
    Thread feeder = feed(p, compressed, what);
    InputStream out = p.getInputStream();
    T result;
    try {
      result = reader.read(out);
      out.transferTo(OutputStream.nullOutputStream()); // let zstd finish writing trailing bytes
    } catch (IOException | RuntimeException e) {
      throw readFailed(p, what, e);
    }
    int exit = waitFor(p, what, feeder);
    String stderr = stderrOf(p);
    closeQuietly(out);
    if (exit != 0) {
      throw new ExtensionException(
          "zstd could not decompress " + what + " (exit code " + exit + "): " + stderr);
    }
    return result;
  }

  /**
   * A reader that fails on a stream zstd cut short has seen zstd close its output, so zstd exits on
   * its own within moments: then its error is the real cause. Otherwise the reader refused the
   * content and zstd, still writing, is stopped.
   */
  private static RuntimeException readFailed(Process p, String what, Exception e) {
    try {
      if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() != 0) {
        closeQuietly(p.getInputStream());
        return new ExtensionException(
            "zstd could not decompress "
                + what
                + " (exit code "
                + p.exitValue()
                + "): "
                + stderrOf(p),
            e);
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    p.destroyForcibly();
    closeQuietly(p.getInputStream());
    if (e instanceof RuntimeException re) {
      return re;
    }
    return new ExtensionException(
        "error reading the decompressed " + what + ": " + e.getMessage(), e);
  }

  private Process start(String what) {
    List<String> cmd = List.of(program, "-d", "-c", "-q", "--no-progress");
    try {
      Process p = new ProcessBuilder(cmd).start();
      if (children != null) {
        children.register("zstd", p);
      }
      return p;
    } catch (IOException e) {
      throw new ExtensionException(
          "cannot run "
              + program
              + " to decompress "
              + what
              + ": remote extensions need the zstd program on the PATH (Debian package zstd): "
              + e.getMessage(),
          e);
    }
  }

  /** Writes the input from its own thread: zstd's output pipe must be drained meanwhile. */
  private static Thread feed(Process p, byte[] compressed, String what) {
    Thread t =
        NamedThreads.start(
            "zstd-feed",
            () -> {
              try (OutputStream in = p.getOutputStream()) {
                in.write(compressed);
              } catch (IOException e) {
                // zstd stopped reading: it failed or was stopped; its exit status tells why.
                Log.debug("zstd stopped reading " + what + ": " + e.getMessage());
              }
            });
    return t;
  }

  private static int waitFor(Process p, String what, Thread feeder) {
    try {
      if (!p.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ExtensionException(
            "zstd did not finish decompressing " + what + " within " + EXIT_WAIT_SECONDS + " s");
      }
      feeder.join(TimeUnit.SECONDS.toMillis(EXIT_WAIT_SECONDS));
      return p.exitValue();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ExtensionException("interrupted while decompressing " + what, e);
    }
  }

  private static String stderrOf(Process p) {
    try (InputStream err = p.getErrorStream()) {
      String text = new String(err.readNBytes(4096), StandardCharsets.UTF_8).trim();
      return text.isEmpty() ? "no error output" : text.replace('\n', ' ');
    } catch (IOException e) {
      return "no error output (" + e.getMessage() + ")";
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      Log.debug("closing zstd's output failed: " + e.getMessage());
    }
  }
}

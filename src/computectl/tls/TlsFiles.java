package computectl.tls;

import computectl.spec.TlsConfig;
import computectl.util.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Copies the TLS key and certificate into PGDATA as {@code server.key} and {@code server.crt}
 * (behaviour.md 12.9), mode 0600 as Postgres demands of a key, after checking that they belong
 * together. Postgres' {@code ssl_key_file} and {@code ssl_cert_file} point at these copies.
 */
public final class TlsFiles {
  public static final String SERVER_KEY = "server.key";
  public static final String SERVER_CRT = "server.crt";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private TlsFiles() {}

  /**
   * One attempt.
   *
   * @throws TlsException unreadable files or a mismatch ({@link TlsException#retryable()}), or an
   *     unsupported key type (not retryable)
   */
  public static void install(Path pgdata, TlsConfig tls) {
    String key = read(Path.of(tls.keyPath()), "key");
    String cert = read(Path.of(tls.certPath()), "certificate");
    KeyCertCheck.verify(key, cert);
    write(pgdata.resolve(SERVER_KEY), key);
    write(pgdata.resolve(SERVER_CRT), cert);
  }

  /**
   * Upstream's loop (retry every {@code retry}) for conditions that clear by themselves: the files
   * appearing, or a renewal finishing. An unsupported key type fails at once instead of hanging the
   * start forever.
   *
   * @param cancelled checked between attempts (e.g. the compute is shutting down)
   * @throws TlsException a non-retryable error, or the last error when cancelled
   */
  public static void installWithRetry(
      Path pgdata, TlsConfig tls, Duration retry, BooleanSupplier cancelled) {
    while (true) {
      try {
        install(pgdata, tls);
        return;
      } catch (TlsException e) {
        if (!e.retryable() || cancelled.getAsBoolean()) {
          throw e;
        }
        Log.error(
            "could not create key file: "
                + e.getMessage()
                + "; retrying in "
                + retry.toMillis()
                + " ms");
      }
      try {
        Thread.sleep(retry.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TlsException(
            "interrupted while waiting for a usable TLS key and certificate", false, e);
      }
    }
  }

  private static String read(Path path, String what) {
    try {
      byte[] bytes = Files.readAllBytes(path);
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new TlsException("the TLS " + what + " file " + path + " is not UTF-8 text", true, e);
    } catch (IOException e) {
      throw new TlsException("cannot read the TLS " + what + " file " + path + ": " + e, true, e);
    }
  }

  /** Creates (or truncates) {@code file} with mode 0600 before any byte lands in it. */
  private static void write(Path file, String content) {
    try (SeekableByteChannel ch =
        Files.newByteChannel(
            file,
            EnumSet.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
      ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    } catch (IOException e) {
      throw new TlsException("cannot write " + file + ": " + e, true, e);
    }
  }
}

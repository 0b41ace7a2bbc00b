package computectl.testsupport;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Programs and machine features some tests need, checked before the test uses them: a missing one
 * fails the test with a message naming what to install (Debian package), instead of a confusing
 * error later or a silent skip.
 */
public final class Requirements {
  private Requirements() {}

  /** GNU tar with {@code --sort=name} (tar 1.28 or later). */
  public static void gnuTarWithSort() {
    require(
        List.of("tar", "--sort=name", "-cf", "/dev/null", "--files-from", "/dev/null"),
        "GNU tar 1.28 or later (with --sort)",
        "tar");
  }

  public static void zstd() {
    require(List.of("zstd", "--version"), "zstd", "zstd");
  }

  /** The flock(1) program. */
  public static void flock() {
    require(List.of("flock", "--version"), "flock(1)", "util-linux");
  }

  /** pg_recvlogical of the PostgreSQL installation the tests use. */
  public static void pgRecvlogical(Path bindir) {
    require(
        List.of(bindir.resolve("pg_recvlogical").toString(), "--version"),
        "pg_recvlogical in " + bindir,
        "postgresql-client-15");
  }

  /** A listening socket on the IPv6 loopback address ::1. */
  public static void ipv6Loopback() {
    try (ServerSocket s = new ServerSocket()) {
      byte[] loopback = new byte[16];
      loopback[15] = 1;
      s.bind(new InetSocketAddress(InetAddress.getByAddress(loopback), 0));
      if (!(s.getInetAddress() instanceof Inet6Address)) {
        throw new IOException("bound to " + s.getInetAddress());
      }
    } catch (IOException e) {
      throw new AssertionError(
          "this test needs the IPv6 loopback address ::1 (cannot listen on it: "
              + e.getMessage()
              + "); enable IPv6 on lo (sysctl net.ipv6.conf.lo.disable_ipv6=0)",
          e);
    }
  }

  private static void require(List<String> probe, String what, String debianPackage) {
    Command.Result r;
    try {
      r = Command.run(probe, Duration.ofSeconds(30));
    } catch (IOException e) {
      throw missing(what, debianPackage, e.getMessage());
    }
    if (r.exitCode() != 0) {
      throw missing(what, debianPackage, r.describe());
    }
  }

  private static AssertionError missing(String what, String debianPackage, String detail) {
    return new AssertionError(
        "this test needs "
            + what
            + ", which is missing or too old: install the Debian package "
            + debianPackage
            + " (apt-get install "
            + debianPackage
            + "); "
            + detail);
  }
}

package computectl.standin;

import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A private PostgreSQL installation for tests and the demo. Vanilla Postgres has no {@code neon}
 * extension, yet compute_ctl runs {@code CREATE EXTENSION neon}; and compute_ctl calls {@code
 * postgres --sync-safekeepers}, which only Neon's Postgres knows. So we lay out a root whose {@code
 * bin/} holds hard links (or copies) of the real binaries, whose share directory holds links to the
 * real share files plus a stub {@code neon} extension, and whose {@code postgres} is a shim
 * answering {@code --sync-safekeepers} and running the real server otherwise. Postgres finds its
 * share and lib directories relative to its own binary, so the tree mirrors the real one's relative
 * layout.
 */
public final class PgInstall {
  public static final Path DEFAULT_PG_BIN_DIR = Path.of("/usr/lib/postgresql/15/bin");

  private final Path root;
  private final Path binDir;

  private PgInstall(Path root, Path binDir) {
    this.root = root;
    this.binDir = binDir;
  }

  public Path root() {
    return root;
  }

  public Path binDir() {
    return binDir;
  }

  /** What to pass as {@code --pgbin}: the shim. */
  public Path postgres() {
    return binDir.resolve("postgres");
  }

  /** A sibling tool (pg_ctl, initdb, pg_basebackup, psql, ...). */
  public Path tool(String name) {
    return binDir.resolve(name);
  }

  /** The shim's settings file: shell assignments read at each {@code --sync-safekeepers} call. */
  public Path shimSettings() {
    return binDir.resolve("sync-safekeepers.env");
  }

  /** Makes the shim answer {@code --sync-safekeepers} with this LSN and exit code after a delay. */
  public void configureShim(String lsn, int exitCode, double sleepSeconds) throws IOException {
    Files.writeString(
        shimSettings(),
        "STANDIN_SYNC_LSN='"
            + lsn
            + "'\nSTANDIN_SYNC_EXIT="
            + exitCode
            + "\nSTANDIN_SYNC_SLEEP="
            + sleepSeconds
            + "\n");
  }

  /** Lays out the installation under {@code root} (created; must be empty or absent). */
  public static PgInstall create(Path root, Path realBinDir) throws IOException {
    PgConfig real = PgConfig.read(realBinDir.resolve("pg_config"));
    Path prefix = commonPrefix(real.bindir(), real.sharedir(), real.pkglibdir());
    Path bin = root.resolve(prefix.relativize(real.bindir()));
    Path share = root.resolve(prefix.relativize(real.sharedir()));
    Path lib = root.resolve(prefix.relativize(real.pkglibdir()));
    Files.createDirectories(bin);
    Files.createDirectories(share.resolve("extension"));
    Files.createDirectories(lib.getParent());
    if (!lib.equals(bin) && !Files.exists(lib)) {
      Files.createSymbolicLink(lib, real.pkglibdir());
    }
    try (DirectoryStream<Path> tools = Files.newDirectoryStream(real.bindir())) {
      for (Path t : tools) {
        Path name = t.getFileName();
        linkOrCopy(
            t, bin.resolve(name.toString().equals("postgres") ? "postgres.real" : name.toString()));
      }
    }
    writeShim(bin.resolve("postgres"));
    linkChildren(real.sharedir(), share, "extension");
    linkChildren(real.sharedir().resolve("extension"), share.resolve("extension"), null);
    writeNeonStub(share.resolve("extension"));
    return new PgInstall(root, bin);
  }

  private static Path commonPrefix(Path... paths) {
    Path p = paths[0];
    while (p != null) {
      final Path candidate = p;
      if (List.of(paths).stream().allMatch(x -> x.startsWith(candidate))) {
        return p;
      }
      p = p.getParent();
    }
    throw new ComputeCtlException("PostgreSQL directories share no common prefix");
  }

  private static void linkOrCopy(Path from, Path to) throws IOException {
    try {
      Files.createLink(to, from.toRealPath());
    } catch (FileAlreadyExistsException e) {
      // laid out already
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(from.toRealPath(), to, StandardCopyOption.COPY_ATTRIBUTES);
    }
  }

  private static void linkChildren(Path fromDir, Path toDir, String except) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(fromDir)) {
      for (Path e : entries) {
        String name = e.getFileName().toString();
        Path target = toDir.resolve(name);
        if (!name.equals(except)
            && !Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(target, e);
        }
      }
    }
  }

  private static void writeShim(Path shim) throws IOException {
    String script =
        String.join(
            "\n",
            "#!/bin/sh",
            "# Stand-in for Neon's postgres: answers --sync-safekeepers, runs the real server"
                + " otherwise.",
            "here=${0%/*}",
            "if [ \"$1\" = \"--sync-safekeepers\" ]; then",
            "  [ -f \"$here/sync-safekeepers.env\" ] && . \"$here/sync-safekeepers.env\"",
            "  echo \"sync-safekeepers stand-in: PGDATA=$PGDATA token=${NEON_AUTH_TOKEN:+set}\""
                + " >&2",
            "  # Like the real one, a terminated sync leaves nothing behind: the sleep goes with"
                + " it.",
            "  if [ -n \"$STANDIN_SYNC_SLEEP\" ]; then",
            "    pid=",
            "    trap 'kill $pid 2>/dev/null; exit 143' TERM INT",
            "    sleep \"$STANDIN_SYNC_SLEEP\" & pid=$!",
            "    wait $pid",
            "    trap - TERM INT",
            "  fi",
            "  if [ \"${STANDIN_SYNC_EXIT:-0}\" != 0 ]; then",
            "    echo \"sync-safekeepers stand-in: failing as configured\" >&2",
            "    echo \"no quorum\"",
            "    exit \"$STANDIN_SYNC_EXIT\"",
            "  fi",
            "  echo \"${STANDIN_SYNC_LSN:-0/2000000}\"",
            "  exit 0",
            "fi",
            "exec \"$here/postgres.real\" \"$@\"",
            "");
    Files.writeString(shim, script);
    Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static void writeNeonStub(Path extensionDir) throws IOException {
    Files.writeString(
        extensionDir.resolve("neon.control"),
        String.join(
            "\n",
            "# Stub of Neon's neon extension: an empty extension so compute_ctl's SQL runs on"
                + " vanilla Postgres.",
            "comment = 'stand-in for the neon extension (no objects)'",
            "default_version = '1.5'",
            "relocatable = true",
            "superuser = true",
            ""));
    Files.writeString(
        extensionDir.resolve("neon--1.5.sql"), "-- stand-in for the neon extension: no objects\n");
  }
}

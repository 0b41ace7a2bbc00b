package computectl.postgres;

import computectl.util.Log;
import computectl.util.NamedThreads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * The file-system steps of preparing PGDATA (behaviour.md 5.3) that do not involve the pageserver.
 */
public final class PgData {
  /** The pg_hba.conf rule that lets external clients in with md5 (tabs exactly as upstream). */
  public static final String HBA_ALL_MD5 = "host\tall\t\tall\t\tall\t\tmd5";

  /** With a trailing slash, as upstream writes the link target. */
  public static final String DYNSHMEM_TARGET = "/dev/shm/";

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private PgData() {}

  /**
   * Deletes {@code pgdata} recursively (errors ignored; symlinks are removed, never followed), then
   * creates it with mode 0700. Its parent must exist.
   */
  public static void reset(Path pgdata) {
    deleteTree(pgdata);
    try {
      Files.createDirectory(pgdata);
      Files.setPosixFilePermissions(pgdata, PosixFilePermissions.fromString("rwx------"));
    } catch (FileAlreadyExistsException e) {
      throw new PgException(
          "could not create data directory " + pgdata + ": it could not be emptied", e);
    } catch (IOException | UnsupportedOperationException e) {
      throw new PgException("could not create data directory " + pgdata + ": " + describe(e), e);
    }
  }

  /**
   * Best-effort recursive delete that never leaves {@code path}: a symlink is unlinked, not
   * entered.
   */
  static void deleteTree(Path path) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
    } catch (IOException e) {
      return; // absent (or unreadable: then creating it fails with a clear message)
    }
    if (attrs.isDirectory()) {
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(path)) {
        if (dir instanceof SecureDirectoryStream<Path> secure) {
          deleteContents(secure);
        } else {
          deleteContentsByPath(dir);
        }
      } catch (IOException e) {
        Log.debug("could not list " + path + ": " + e.getMessage());
      }
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      Log.debug("could not delete " + path + ": " + e.getMessage());
    }
  }

  /**
   * Works relative to open directory handles (openat/unlinkat), and opens subdirectories with
   * O_NOFOLLOW, so a directory swapped for a symlink mid-way cannot redirect the delete.
   */
  private static void deleteContents(SecureDirectoryStream<Path> dir) {
    List<Path> names = new ArrayList<>();
    for (Path entry : dir) {
      names.add(entry.getFileName());
    }
    for (Path name : names) {
      try {
        BasicFileAttributes a =
            dir.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW).readAttributes();
        if (a.isDirectory()) {
          try (SecureDirectoryStream<Path> child = dir.newDirectoryStream(name, NOFOLLOW)) {
            deleteContents(child);
          }
          dir.deleteDirectory(name);
        } else {
          dir.deleteFile(name);
        }
      } catch (IOException e) {
        Log.debug("could not delete " + name + ": " + e.getMessage());
      }
    }
  }

  private static void deleteContentsByPath(DirectoryStream<Path> dir) {
    List<Path> entries = new ArrayList<>();
    dir.forEach(entries::add);
    for (Path entry : entries) {
      deleteTree(entry);
    }
  }

  /**
   * Ensures the md5 rule for all hosts is in pg_hba.conf (behaviour.md 5.3 step 5); true when it
   * was added.
   */
  public static boolean ensureHbaLine(Path pgdata) {
    boolean added = LineInFile.ensure(pgdata.resolve("pg_hba.conf"), HBA_ALL_MD5);
    Log.info(
        added ? "updated pg_hba.conf to allow external connections" : "pg_hba.conf is up-to-date");
    return added;
  }

  /** Where {@link #stageDynshmem} makes the link: a name no basebackup holds. */
  static final String DYNSHMEM_STAGED = "compute_ctl_dynshmem.link";

  /**
   * Starts making the {@code pg_dynshmem} symlink under a staging name in PGDATA, for {@link
   * #replaceDynshmem(Path, Future)} to put in place. The start calls this before the basebackup:
   * the link needs an {@code ln} process (java.nio would drop the target's trailing slash, which
   * upstream writes), and on a thread of its own that process runs while the archive arrives
   * instead of after it. Both end on their own within milliseconds, also when the start fails
   * before the swap.
   */
  public static Future<Void> stageDynshmem(Path pgdata) {
    FutureTask<Void> link =
        new FutureTask<>(() -> symlink(DYNSHMEM_TARGET, pgdata.resolve(DYNSHMEM_STAGED)), null);
    NamedThreads.daemon("dynshmem-link", link).start();
    return link;
  }

  /**
   * Replaces the empty directory {@code pg_dynshmem} with a symlink to {@code /dev/shm/}, so that
   * mmap-type dynamic shared memory lives in RAM-backed files (behaviour.md 5.3 step 6): waits for
   * {@code staging} from {@link #stageDynshmem}, then swaps the directory for its link.
   */
  public static void replaceDynshmem(Path pgdata, Future<Void> staging) {
    Path staged = pgdata.resolve(DYNSHMEM_STAGED);
    Path dynshmem = pgdata.resolve("pg_dynshmem");
    try {
      staging.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof PgException pe
          ? pe
          : new PgException("could not create symlink " + staged + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PgException("interrupted while creating symlink " + staged, e);
    }
    try {
      if (!Files.isSymbolicLink(staged)
          || !Files.readSymbolicLink(staged).toString().equals(DYNSHMEM_TARGET)) {
        throw new PgException("cannot replace " + dynshmem + ": " + staged + " was replaced");
      }
      if (!Files.exists(dynshmem, NOFOLLOW)) {
        throw new PgException("cannot replace " + dynshmem + ": it does not exist");
      }
      if (!Files.isDirectory(dynshmem, NOFOLLOW)) {
        throw new PgException("cannot replace " + dynshmem + ": it is not a directory");
      }
      Files.delete(dynshmem);
      Files.move(staged, dynshmem, StandardCopyOption.ATOMIC_MOVE); // rename(2) moves the link
    } catch (IOException e) {
      throw new PgException("cannot replace " + dynshmem + ": " + describe(e), e);
    }
  }

  /**
   * java.nio normalises a link target and drops its trailing slash, so {@code ln} writes the target
   * string exactly as upstream does.
   */
  private static void symlink(String target, Path link) {
    try {
      Process ln =
          new ProcessBuilder("ln", "-s", "--", target, link.toString())
              .redirectErrorStream(true)
              .start();
      ln.getOutputStream().close();
      String output = new String(ln.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!ln.waitFor(30, TimeUnit.SECONDS)) {
        ln.destroyForcibly();
        throw new PgException(
            "could not create symlink " + link + " -> " + target + ": ln timed out");
      }
      if (ln.exitValue() != 0) {
        throw new PgException("could not create symlink " + link + " -> " + target + ": " + output);
      }
    } catch (IOException e) {
      throw new PgException(
          "could not create symlink " + link + " -> " + target + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PgException("interrupted while creating symlink " + link, e);
    }
  }

  /**
   * Creates an empty {@code standby.signal} unless one exists (Replica and Static); true when
   * created.
   */
  public static boolean addStandbySignal(Path pgdata) {
    Path signal = pgdata.resolve("standby.signal");
    try {
      Files.createFile(signal, ConfigWriter.OWNER_ONLY);
      Log.info("created standby.signal");
      return true;
    } catch (FileAlreadyExistsException e) {
      Log.info("reused pre-existing standby.signal");
      return false;
    } catch (IOException e) {
      throw new PgException("could not create " + signal + ": " + e.getMessage(), e);
    }
  }

  private static String describe(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory (does its parent exist?)";
    }
    if (e instanceof java.nio.file.DirectoryNotEmptyException) {
      return "directory not empty";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}

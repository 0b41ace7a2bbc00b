package computectl.postgres;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code compute_ctl_temp_override.conf} (behaviour.md 5.4.4): settings that must win over
 * postgresql.conf only while catalog updates run. postgresql.conf includes the file last, so its
 * content overrides everything; afterwards it is left in place but empty.
 */
public final class TempOverride {
  public static final String FILE_NAME = "compute_ctl_temp_override.conf";

  /** What upstream puts there around catalog updates: no cluster size limit while they run. */
  public static final String NO_SIZE_LIMIT = "neon.max_cluster_size=-1";

  private TempOverride() {}

  /**
   * Writes {@code settings} (no newline added) to the override file, runs {@code work} (which
   * reloads the configuration itself), then empties the file whether or not the work succeeded. The
   * caller reloads again afterwards.
   */
  public static void run(Path pgdata, String settings, Runnable work) {
    write(pgdata, settings);
    runThenEmpty(pgdata, work);
  }

  /**
   * Writes {@code settings} (no newline added) to the override file, for a Postgres that is yet to
   * start: it reads them as it starts, with no reload.
   */
  public static void write(Path pgdata, String settings) {
    Path file = pgdata.resolve(FILE_NAME);
    try {
      ConfigWriter.writeOwnerOnly(file, settings, false);
    } catch (IOException e) {
      throw new PgException("could not write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code work} while the override file holds what {@link #write} put there, then empties the
   * file whether or not the work succeeded. The caller reloads afterwards.
   */
  public static void runThenEmpty(Path pgdata, Runnable work) {
    Path file = pgdata.resolve(FILE_NAME);
    RuntimeException failure = null;
    try {
      work.run();
    } catch (RuntimeException e) {
      failure = e;
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    } catch (IOException e) {
      PgException truncateFailure =
          new PgException("could not empty " + file + ": " + e.getMessage(), e);
      if (failure != null) {
        failure.addSuppressed(truncateFailure);
        throw failure;
      }
      throw truncateFailure;
    }
    if (failure != null) {
      throw failure;
    }
  }
}

package computectl.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Postgres major version string ({@code v14} .. {@code v17}) used in remote extension paths,
 * from {@code pg_config --version} (reference section 2). Upstream panics on each failure here; we
 * raise {@link PgException} with a message naming what was wrong.
 */
public final class PgVersion {
  /** Digits then at least one more character: {@code PostgreSQL 14} alone does not match. */
  private static final Pattern VERSION = Pattern.compile("^PostgreSQL (\\d+).+");

  private static final List<String> SUPPORTED = List.of("14", "15", "16", "17");

  private PgVersion() {}

  /**
   * Upstream's rule: strip the suffix {@code postgres} from pgbin and append {@code /pg_config} (so
   * {@code /usr/local/bin/postgres} gives {@code /usr/local/bin//pg_config}).
   */
  public static String pgConfigPath(String pgbin) {
    if (!pgbin.endsWith("postgres")) {
      throw new PgException(
          "--pgbin must end in 'postgres' (pg_config is found next to it): " + pgbin);
    }
    return pgbin.substring(0, pgbin.length() - "postgres".length()) + "/pg_config";
  }

  /** Runs {@code pg_config --version} next to pgbin and maps it to {@code v14} .. {@code v17}. */
  public static String detect(String pgbin) {
    return start(pgbin).await();
  }

  /**
   * Starts {@code pg_config --version} and returns at once, so that the caller does other work
   * while it runs; {@link Probe#await()} gives the version, or the error, as {@link #detect} would.
   */
  public static Probe start(String pgbin) {
    String pgConfig;
    try {
      pgConfig = pgConfigPath(pgbin);
    } catch (PgException e) {
      return new Probe(null, null, e);
    }
    try {
      Process p =
          new ProcessBuilder(pgConfig, "--version")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      return new Probe(p, pgConfig, null);
    } catch (IOException e) {
      return new Probe(
          null, pgConfig, new PgException("cannot run " + pgConfig + ": " + e.getMessage(), e));
    }
  }

  /** A {@code pg_config --version} under way (or the error that kept it from starting). */
  public static final class Probe {
    private final Process process;
    private final String pgConfig;
    private final PgException failure;

    private Probe(Process process, String pgConfig, PgException failure) {
      this.process = process;
      this.pgConfig = pgConfig;
      this.failure = failure;
    }

    /** Waits for pg_config (at most 30 s) and maps its answer to {@code v14} .. {@code v17}. */
    public String await() {
      if (failure != null) {
        throw failure;
      }
      return parse(finish());
    }

    private String finish() {
      String argument = "--version";
      try {
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new PgException(pgConfig + " " + argument + " did not finish within 30 s");
        }
        if (process.exitValue() != 0) {
          throw new PgException(
              pgConfig + " " + argument + " failed with exit code " + process.exitValue());
        }
        return out.trim();
      } catch (IOException e) {
        throw new PgException("cannot run " + pgConfig + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PgException("interrupted while running " + pgConfig, e);
      }
    }
  }

  /** Maps a {@code pg_config --version} output (trimmed) to {@code v14} .. {@code v17}. */
  public static String parse(String humanVersion) {
    String text = humanVersion.trim();
    Matcher m = VERSION.matcher(text);
    if (m.find() && SUPPORTED.contains(m.group(1))) {
      return "v" + m.group(1);
    }
    throw new PgException(
        "unsupported PostgreSQL version '" + text + "' (supported: 14, 15, 16, 17)");
  }
}

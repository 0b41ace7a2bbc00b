package computectl.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Postgres major version string ({@code v14} .. {@code v17}) used in remote extension paths,
 * from {@code pg_config --version} (behaviour.md 2.1). Upstream panics on each failure here; we
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
    return parse(pgConfig(pgbin, "--version"));
  }

  /** Runs {@code pg_config <argument>} next to pgbin; its output, trimmed. */
  public static String pgConfig(String pgbin, String argument) {
    return runPgConfig(pgConfigPath(pgbin), argument);
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

  private static String runPgConfig(String pgConfig, String argument) {
    try {
      Process p =
          new ProcessBuilder(pgConfig, argument)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new PgException(pgConfig + " " + argument + " did not finish within 30 s");
      }
      if (p.exitValue() != 0) {
        throw new PgException(
            pgConfig + " " + argument + " failed with exit code " + p.exitValue());
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

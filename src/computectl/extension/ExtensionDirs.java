package computectl.extension;

import computectl.postgres.PgVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where a downloaded extension goes (behaviour.md 12.2): archives are unpacked into {@code
 * downloadDir}; its {@code share/extension/*} then moves into {@code shareExtensionDir} and its
 * {@code lib/*} into {@code pkglibDir}.
 */
public record ExtensionDirs(Path downloadDir, Path shareExtensionDir, Path pkglibDir) {
  private static final String PGBIN_SUFFIX = "/bin/postgres";

  /**
   * Upstream's layout for {@code --pgbin}: {@code <pgbin minus /bin/postgres>/download_extensions},
   * {@code <pg_config --sharedir>/extension} and {@code pg_config --pkglibdir}.
   */
  public static ExtensionDirs forPgbin(String pgbin) {
    if (!pgbin.endsWith(PGBIN_SUFFIX)) {
      throw new ExtensionException(
          "--pgbin must end in '" + PGBIN_SUFFIX + "' to place remote extensions: " + pgbin);
    }
    Path download =
        Path.of(pgbin.substring(0, pgbin.length() - PGBIN_SUFFIX.length()), "download_extensions");
    String pgConfig = PgVersion.pgConfigPath(pgbin);
    Path share = Path.of(pgConfig(pgConfig, "--sharedir")).resolve("extension");
    Path lib = Path.of(pgConfig(pgConfig, "--pkglibdir"));
    return new ExtensionDirs(download, share, lib);
  }

  private static String pgConfig(String pgConfig, String argument) {
    try {
      Process p =
          new ProcessBuilder(pgConfig, argument)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ExtensionException(pgConfig + " " + argument + " did not finish within 30 s");
      }
      if (p.exitValue() != 0 || out.isEmpty()) {
        throw new ExtensionException(
            pgConfig + " " + argument + " failed with exit code " + p.exitValue());
      }
      return out;
    } catch (IOException e) {
      throw new ExtensionException("cannot run " + pgConfig + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExtensionException("interrupted while running " + pgConfig, e);
    }
  }
}

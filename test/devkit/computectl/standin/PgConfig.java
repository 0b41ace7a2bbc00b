package computectl.standin;

import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The directories {@code pg_config} reports. */
record PgConfig(Path bindir, Path sharedir, Path pkglibdir) {
  static PgConfig read(Path pgConfig) throws IOException {
    Process p =
        new ProcessBuilder(pgConfig.toString(), "--bindir", "--sharedir", "--pkglibdir")
            .redirectErrorStream(true)
            .start();
    String[] lines =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\n");
    try {
      if (p.waitFor() != 0 || lines.length != 3) {
        throw new ComputeCtlException(pgConfig + " failed: " + String.join(" ", lines));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeCtlException("interrupted", e);
    }
    return new PgConfig(
        Path.of(lines[0].trim()), Path.of(lines[1].trim()), Path.of(lines[2].trim()));
  }
}

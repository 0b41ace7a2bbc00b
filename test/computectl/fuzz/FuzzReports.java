package computectl.fuzz;

import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Each run's figures as JSON in {@code $BUILD_DIR/fuzz/<target>.json}, for docs/reliability.md. */
final class FuzzReports {
  private FuzzReports() {}

  static void save(Fuzzer.Report r) {
    JsonObject steps = new JsonObject();
    r.steps()
        .forEach(
            (label, c) -> steps.add(label, new JsonObject().add("ok", c[0]).add("rejected", c[1])));
    JsonObject json =
        new JsonObject()
            .add("target", r.target())
            .add("seed", String.format("0x%x", r.masterSeed()))
            .add("cases", r.cases())
            .add("findings", r.findings().size())
            .add("millis", r.millis())
            .add("slowest_case_millis", r.slowestMillis())
            .add("steps", steps);
    try {
      Path dir = Path.of(System.getenv().getOrDefault("BUILD_DIR", "build"), "fuzz");
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve(r.target() + ".json"),
          json.toString(com.eclipsesource.json.WriterConfig.PRETTY_PRINT) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

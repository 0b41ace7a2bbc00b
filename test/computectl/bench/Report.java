package computectl.bench;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.WriterConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints the figures as a table and writes them as JSON. */
final class Report {
  private Report() {}

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Math.abs(v) >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
  }

  static String stats(Stats s) {
    if (s == null || s.isEmpty()) {
      return "-";
    }
    return num(s.median()) + " [" + num(s.min()) + ".." + num(s.max()) + "]";
  }

  static void print(List<Figure> figures, PrintStream out) {
    out.println();
    out.println(
        "figure | unit | ours: median [min..max] | baseline: median [min..max] | ratio | target |"
            + " met");
    for (Figure f : figures) {
      out.println(
          f.title()
              + " | "
              + f.unit()
              + " | "
              + stats(f.ours())
              + " | "
              + stats(f.baseline())
              + " | "
              + num(f.ratio())
              + " | "
              + (f.target() == null ? "-" : f.target())
              + " | "
              + (f.met() == null ? "-" : f.met() ? "yes" : "NO"));
      if (f.baselineName() != null) {
        out.println("    baseline: " + f.baselineName());
      }
      for (Map.Entry<String, Object> d : f.details().entrySet()) {
        Object v = d.getValue();
        out.println(
            "    " + d.getKey() + ": " + (v instanceof Double x ? num(x) : String.valueOf(v)));
      }
    }
  }

  static void writeJson(List<Figure> figures, Path dir, Map<String, Object> context)
      throws IOException {
    JsonObject root = new JsonObject().add("time", Instant.now().toString());
    JsonObject ctx = new JsonObject();
    context.forEach((k, v) -> ctx.add(k, value(v)));
    root.add("context", ctx);
    JsonArray all = new JsonArray();
    for (Figure f : figures) {
      JsonObject o =
          new JsonObject()
              .add("id", f.id())
              .add("title", f.title())
              .add("unit", f.unit())
              .add("ours", f.ours() == null || f.ours().isEmpty() ? Json.NULL : statsJson(f.ours()))
              .add(
                  "baseline_name",
                  f.baselineName() == null ? Json.NULL : Json.value(f.baselineName()))
              .add(
                  "baseline",
                  f.baseline() == null || f.baseline().isEmpty()
                      ? Json.NULL
                      : statsJson(f.baseline()))
              .add("ratio", value(f.ratio()))
              .add("target", f.target() == null ? Json.NULL : Json.value(f.target()))
              .add("met", f.met() == null ? Json.NULL : Json.value(f.met()));
      JsonObject details = new JsonObject();
      f.details().forEach((k, v) -> details.add(k, value(v)));
      all.add(o.add("details", details));
    }
    root.add("figures", all);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("results.json"), root.toString(WriterConfig.PRETTY_PRINT));
  }

  private static JsonObject statsJson(Stats s) {
    JsonArray samples = new JsonArray();
    s.samples().forEach(v -> samples.add(v.doubleValue()));
    return new JsonObject()
        .add("median", value(s.median()))
        .add("min", value(s.min()))
        .add("max", value(s.max()))
        .add("samples", samples);
  }

  private static JsonValue value(Object v) {
    if (v == null) {
      return Json.NULL;
    }
    if (v instanceof Double d) {
      return Double.isNaN(d) ? Json.NULL : Json.value(Math.round(d * 1000) / 1000.0);
    }
    if (v instanceof Number n) {
      return Json.value(n.longValue());
    }
    if (v instanceof Boolean b) {
      return Json.value(b);
    }
    return Json.value(String.valueOf(v));
  }
}

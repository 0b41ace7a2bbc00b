package computectl.fuzz;

import java.util.List;
import java.util.Map;

/** Every fuzz target by name, for regression files ({@code <target>-<anything>.bin}). */
final class FuzzTargets {
  interface Factory {
    FuzzTarget create() throws Exception;
  }

  static final Map<String, Factory> ALL =
      Map.of(
          "spec", SpecParserTarget::new,
          "tar", TarExtractorTarget::new,
          "wire", WireClientTarget::new,
          "websocket", computectl.vmmonitor.WebSocketFrameTarget::new,
          "http", HttpBodyTarget::new,
          "jwt", JwtTarget::new);

  static final List<String> NAMES = List.of("spec", "tar", "wire", "websocket", "http", "jwt");

  private FuzzTargets() {}
}

package computectl.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The bounded fuzz run of {@code make test}: {@value #DEFAULT_CASES} cases per target from a fixed
 * seed, so that a red run is reproducible. {@code make fuzz} runs the same tests with {@code
 * -Dcomputectl.fuzz.cases} and {@code -Dcomputectl.fuzz.seed} (FUZZ_CASES, FUZZ_SEED).
 */
class Fuzz_Test {
  static final int DEFAULT_CASES = 10_000;
  static final int CASES = Integer.getInteger("computectl.fuzz.cases", DEFAULT_CASES);
  static final long SEED = Long.decode(System.getProperty("computectl.fuzz.seed", "0x5EED"));

  /**
   * Runs the target; no findings allowed, and both sides of every listed step must be reached (so
   * it is deep).
   */
  static Fuzzer.Report fuzz(FuzzTarget target, String... deepSteps) throws Exception {
    try (target) {
      Fuzzer.Report r = Fuzzer.run(target, SEED, CASES);
      FuzzReports.save(r);
      assertEquals(
          List.of(),
          r.findings(),
          "fuzz findings (each input is saved; copy it into "
              + "test/computectl/fuzz/regressions/ to keep it as a regression test):\n"
              + r.summary());
      // Rare outcomes (a spec failing only validation: 1 case in 300) need the full number of
      // cases.
      for (String step : CASES >= DEFAULT_CASES ? deepSteps : new String[0]) {
        assertTrue(
            r.accepted(step) > 0 && r.rejected(step) > 0,
            "the fuzzer should both pass and fail step '" + step + "': " + r.summary());
      }
      return r;
    }
  }

  @Test
  void spec_parserRejectsOnlyWithSpecErrors() throws Exception {
    fuzz(
        new SpecParserTarget(),
        "parseSpec",
        "parseControlPlaneResponse",
        "parseConfigurationRequest",
        "validate");
  }

  @Test
  void tar_extractorRejectsOnlyWithTarErrorsAndStaysInside() throws Exception {
    fuzz(new TarExtractorTarget(), "extract");
  }

  @Test
  void wire_clientRejectsOnlyWithWireErrors() throws Exception {
    fuzz(new WireClientTarget(), "connect", "simpleQuery", "copyOut");
  }

  @Test
  void jwt_verifierRejectsOnlyWithApiErrorsAndAcceptsNoForgery() throws Exception {
    fuzz(new JwtTarget(), "authorize");
  }

  @Tag("e2e")
  @Test
  void http_bodiesGetDocumentedAnswersAndInjectNothing() throws Exception {
    fuzz(new HttpBodyTarget(), "/configure", "/grants", "/extensions");
  }

  @Test
  void websocket_frameReaderRejectsOnlyWithProtocolErrors() throws Exception {
    fuzz(new computectl.vmmonitor.WebSocketFrameTarget(), "read", "agent message");
  }
}

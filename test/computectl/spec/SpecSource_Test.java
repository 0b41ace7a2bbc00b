package computectl.spec;

import static computectl.standin.ControlPlaneStandIn.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.metrics.ExportedMetrics;
import computectl.standin.ControlPlaneStandIn;
import computectl.testsupport.Fixtures;
import computectl.testsupport.TestPg;
import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecSource_Test {
  private static final String KEY =
      "{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"MCowBQYDK2VwAyEA\", \"kid\": \"k1\"}";
  private static final String CONFIG = "{\"jwks\": {\"keys\": [" + KEY + "]}}";
  private static final String SPEC = Fixtures.read(SpecParser_Test.API_SPEC);
  private static final String ATTACHED =
      "{\"spec\": " + SPEC + ", \"status\": \"attached\", \"compute_ctl_config\": " + CONFIG + "}";
  private static final String EMPTY =
      "{\"spec\": null, \"status\": \"empty\", \"compute_ctl_config\": " + CONFIG + "}";

  private final ExportedMetrics metrics = new ExportedMetrics();
  private final List<Long> sleeps = new ArrayList<>();
  private final SpecSource source =
      new SpecSource(metrics, "secret-token", d -> sleeps.add(d.toMillis()));

  @TempDir Path dir;

  private double requests(String status) {
    return metrics.cplaneRequests.value("GetSpec", status);
  }

  private SpecException fails(ControlPlaneStandIn cp) {
    return assertThrows(SpecException.class, () -> source.fromControlPlane(cp.uri(), "compute-1"));
  }

  @Test
  void fromControlPlane_returnsTheAttachedSpecAfterOneRequest() throws IOException {
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start().answerEveryCompute(reply(200, ATTACHED))) {
      AcquiredSpec got = source.fromControlPlane(cp.uri(), "compute-1");
      assertEquals(SpecParser.parseSpec(SPEC), got.spec());
      assertEquals(
          List.of(new Jwk("k1", "OKP", "Ed25519", "MCowBQYDK2VwAyEA", null)),
          got.computeCtlConfig().jwks());
      assertTrue(got.liveConfigAllowed());
      ControlPlaneStandIn.Request r = cp.received().get(0);
      assertEquals("GET", r.method());
      assertEquals("/compute/api/v2/computes/compute-1/spec", r.path());
      assertEquals(List.of("Bearer secret-token"), r.authorization());
      assertFalse(
          r.headerNames().stream().anyMatch(h -> h.equalsIgnoreCase("Upgrade")),
          r.headerNames().toString());
      assertEquals(1, cp.received().size());
      assertEquals(List.of(), sleeps);
      assertEquals(1, requests("200 OK"));
    }
  }

  @Test
  void fromControlPlane_returnsNoSpecForAnEmptyCompute() throws IOException {
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start().answerEveryCompute(reply(200, EMPTY))) {
      AcquiredSpec got = source.fromControlPlane(cp.uri(), "compute-1");
      assertNull(got.spec());
      assertEquals(1, got.computeCtlConfig().jwks().size());
      assertTrue(got.liveConfigAllowed());
      assertEquals(1, requests("200 OK"));
      assertEquals(List.of(), sleeps);
    }
  }

  @Test
  void fromControlPlane_failsAtOnceWhenAttachedWithoutSpec() throws IOException {
    String body =
        "{\"spec\": null, \"status\": \"attached\", \"compute_ctl_config\": " + CONFIG + "}";
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start().answerEveryCompute(reply(200, body))) {
      SpecException e = fails(cp);
      assertEquals("compute is attached, but spec is empty", e.getMessage());
      assertEquals(SpecException.Kind.SOURCE, e.kind());
      assertEquals(1, cp.received().size());
      assertEquals(List.of(), sleeps);
      assertEquals(1, requests("200 OK"));
    }
  }

  @Test
  void fromControlPlane_retriesAnUnparsableBodyThenGivesUp() throws IOException {
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start().answerEveryCompute(reply(200, "{\"status\": \"attached\"}"))) {
      SpecException e = fails(cp);
      assertEquals(
          "Exhausted all attempts to retrieve the spec from the control plane", e.getMessage());
      assertEquals(
          "Exhausted all attempts to retrieve the spec from the control plane: could not"
              + " deserialize control plane response: .: missing field `compute_ctl_config`",
          ComputeCtlException.chain(e));
      assertEquals(3, cp.received().size());
      assertEquals(List.of(100L, 100L, 100L), sleeps);
      assertEquals(3, requests("200 OK"));
    }
  }

  @Test
  void fromControlPlane_retries502ThreeTimes() throws IOException {
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start().answerEveryCompute(reply(502, "bad gateway"))) {
      SpecException e = fails(cp);
      assertEquals(SpecSource.EXHAUSTED, e.getMessage());
      assertEquals("control plane request failed with 502", e.getCause().getMessage());
      assertEquals(3, cp.received().size());
      assertEquals(List.of(100L, 100L, 100L), sleeps);
      assertEquals(3, requests("502 Bad Gateway"));
    }
  }

  @Test
  void fromControlPlane_retries503UntilTheSpecArrives() throws IOException {
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start()
            .answerEveryCompute(reply(503, ""), reply(503, ""), reply(200, ATTACHED))) {
      AcquiredSpec got = source.fromControlPlane(cp.uri(), "compute-1");
      assertEquals("5e3a9c1d-2b47-4f86-a0d9-7c61e8b3f254", got.spec().operationUuid());
      assertEquals(3, cp.received().size());
      assertEquals(List.of(100L, 100L), sleeps);
      assertEquals(2, requests("503 Service Unavailable"));
      assertEquals(1, requests("200 OK"));
    }
  }

  @Test
  void fromControlPlane_failsAtOnceOn404And500() throws IOException {
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start()
            .answerEveryCompute(reply(404, "{\"error\": \"no such compute\"}"))) {
      assertEquals(
          "unexpected control plane response status code: 404 Not Found", fails(cp).getMessage());
      assertEquals(1, cp.received().size());
    }
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start().answerEveryCompute(reply(500, "oops"), reply(200, ATTACHED))) {
      assertEquals(
          "unexpected control plane response status code: 500 Internal Server Error",
          fails(cp).getMessage());
      assertEquals(1, cp.received().size());
    }
    assertEquals(List.of(), sleeps);
    assertEquals(1, requests("404 Not Found"));
    assertEquals(1, requests("500 Internal Server Error"));
  }

  @Test
  void fromControlPlane_labelsOtherStatusesWithTheirReason() throws IOException {
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().answerEveryCompute(reply(418, ""))) {
      assertEquals(
          "unexpected control plane response status code: 418 I'm a teapot",
          fails(cp).getMessage());
    }
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().answerEveryCompute(reply(599, ""))) {
      assertEquals(
          "unexpected control plane response status code: 599 <unknown status code>",
          fails(cp).getMessage());
    }
    assertEquals(1, requests("418 I'm a teapot"));
    assertEquals(1, requests("599 <unknown status code>"));
  }

  @Test
  void fromControlPlane_retriesARefusedConnection() throws IOException {
    int port = TestPg.freePort(); // reserved and never bound: it refuses
    SpecException e =
        assertThrows(
            SpecException.class, () -> source.fromControlPlane("http://127.0.0.1:" + port, "c"));
    assertEquals(SpecSource.EXHAUSTED, e.getMessage());
    assertEquals(
        "could not perform spec request to control plane: could not connect to http://127.0.0.1:"
            + port
            + "/compute/api/v2/computes/c/spec",
        e.getCause().getMessage());
    assertEquals(List.of(100L, 100L, 100L), sleeps);
    assertEquals(3, requests("unknown"));
  }

  @Test
  void fromControlPlane_sendsAnEmptyBearerWithoutToken() throws IOException {
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start().answerEveryCompute(reply(200, EMPTY))) {
      new SpecSource(metrics, null, d -> sleeps.add(d.toMillis())).fromControlPlane(cp.uri(), "c");
      String header = cp.received().get(0).authorization().get(0);
      assertTrue(header.equals("Bearer ") || header.equals("Bearer"), header);
    }
  }

  @Test
  void fromControlPlane_reallySleepsBetweenAttempts() throws IOException {
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start().answerEveryCompute(reply(503, ""), reply(200, EMPTY))) {
      long start = System.nanoTime();
      new SpecSource(metrics, "t").fromControlPlane(cp.uri(), "c");
      assertTrue(System.nanoTime() - start >= 100_000_000L);
    }
  }

  @Test
  void fromInline_givesTheDefaultConfigAndNoLiveConfiguration() {
    AcquiredSpec got = source.fromInline(SPEC);
    assertEquals(SpecParser.parseSpec(SPEC), got.spec());
    assertEquals(SecurityConfig.DEFAULT, got.computeCtlConfig());
    assertFalse(got.liveConfigAllowed());
  }

  @Test
  void fromInline_keepsTheKindOfAParseError() {
    SpecException e =
        assertThrows(SpecException.class, () -> source.fromInline("{\"format_version\": 1}"));
    assertEquals("invalid spec given with --spec: .: missing field `cluster`", e.getMessage());
    assertEquals(SpecException.Kind.SHAPE, e.kind());
  }

  @Test
  void fromFile_allowsLiveConfiguration() {
    AcquiredSpec got = source.fromFile(Fixtures.path(SpecParser_Test.API_SPEC).toString());
    assertEquals(SpecParser.parseSpec(SPEC), got.spec());
    assertEquals(SecurityConfig.DEFAULT, got.computeCtlConfig());
    assertTrue(got.liveConfigAllowed());
  }

  @Test
  void fromFile_namesThePathInErrors() throws IOException {
    Path missing = dir.resolve("missing.json");
    SpecException e = assertThrows(SpecException.class, () -> source.fromFile(missing.toString()));
    assertEquals("could not read spec file " + missing + ": no such file", e.getMessage());
    assertEquals(SpecException.Kind.SOURCE, e.kind());
    assertEquals(
        "could not read spec file " + dir + ": Is a directory",
        assertThrows(SpecException.class, () -> source.fromFile(dir.toString())).getMessage());
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\n  \"format_version\": 1,\n}");
    e = assertThrows(SpecException.class, () -> source.fromFile(bad.toString()));
    assertEquals("invalid spec file " + bad + ": expected name at line 3 column 1", e.getMessage());
    assertEquals(SpecException.Kind.SYNTAX, e.kind());
    Path latin1 = Files.write(dir.resolve("latin1.json"), new byte[] {'{', (byte) 0xE9, '}'});
    assertEquals(
        "could not read spec file " + latin1 + ": not valid UTF-8",
        assertThrows(SpecException.class, () -> source.fromFile(latin1.toString())).getMessage());
  }

  @Test
  void acquire_followsUpstreamPrecedence() throws IOException {
    String file = Fixtures.path(SpecParser_Test.API_SPEC).toString();
    assertFalse(source.acquire(SpecParser_Test.MINIMAL, file, null, "c").liveConfigAllowed());
    assertTrue(source.acquire(null, file, null, "c").liveConfigAllowed());
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start().answerEveryCompute(reply(200, EMPTY))) {
      assertNull(source.acquire(null, null, cp.uri(), "c").spec());
    }
    assertEquals(
        "must specify --control-plane-uri",
        assertThrows(SpecException.class, () -> source.acquire(null, null, null, "c"))
            .getMessage());
  }
}

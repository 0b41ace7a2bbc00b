package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import computectl.compute.ComputeSnapshot;
import computectl.compute.ComputeStatus;
import computectl.spec.ParsedSpec;
import computectl.spec.SpecParser;
import computectl.standin.SpecBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusJson_Test {
  static final String TENANT = "b0554b632bd4d547a63b86c3630317e8";
  static final String TIMELINE = "2414a61ffc94e428f14b5758fe308e13";

  @Test
  void startTime_printsZeroThreeSixOrNineFractionDigits() {
    assertEquals(
        "2025-04-01T10:00:00Z", StatusJson.startTime(Instant.parse("2025-04-01T10:00:00Z")));
    assertEquals(
        "2025-04-01T10:00:00.120Z", StatusJson.startTime(Instant.parse("2025-04-01T10:00:00.12Z")));
    assertEquals(
        "2025-04-01T10:00:00.123400Z",
        StatusJson.startTime(Instant.parse("2025-04-01T10:00:00.1234Z")));
    assertEquals(
        "2025-04-01T10:00:00.123456789Z",
        StatusJson.startTime(Instant.parse("2025-04-01T10:00:00.123456789Z")));
  }

  @Test
  void lastActive_usesPlusZeroOffset() {
    assertEquals(
        "2025-04-01T10:05:00.123456+00:00",
        StatusJson.lastActive(Instant.parse("2025-04-01T10:05:00.123456Z")));
    assertEquals(
        "2025-04-01T10:05:00+00:00", StatusJson.lastActive(Instant.parse("2025-04-01T10:05:00Z")));
  }

  @Test
  void of_emptyComputeHasNullsInUpstreamKeyOrder() {
    ComputeSnapshot s =
        new ComputeSnapshot(
            ComputeStatus.EMPTY, null, Instant.parse("2025-04-01T10:00:00.5Z"), null, null);
    assertEquals(
        "{\"start_time\":\"2025-04-01T10:00:00.500Z\",\"tenant\":null,\"timeline\":null,\"status\":\"empty\","
            + "\"last_active\":null,\"error\":null}",
        StatusJson.of(s));
  }

  @Test
  void of_runningComputeMatchesTheReferenceExample() {
    ParsedSpec spec =
        new ParsedSpec(
            SpecParser.parseSpec(SpecBuilder.validPrimary().json()),
            "host=ps",
            List.of("sk:1"),
            TENANT,
            TIMELINE);
    ComputeSnapshot s =
        new ComputeSnapshot(
            ComputeStatus.RUNNING,
            null,
            Instant.parse("2025-04-01T10:00:00.123456789Z"),
            Instant.parse("2025-04-01T10:05:00.123456Z"),
            spec);
    assertEquals(
        "{\"start_time\":\"2025-04-01T10:00:00.123456789Z\",\"tenant\":\""
            + TENANT
            + "\",\"timeline\":\""
            + TIMELINE
            + "\",\"status\":\"running\",\"last_active\":\"2025-04-01T10:05:00.123456+00:00\",\"error\":null}",
        StatusJson.of(s));
  }

  @Test
  void of_failedComputeCarriesItsErrorAndSnakeCaseStatus() {
    ComputeSnapshot s =
        new ComputeSnapshot(
            ComputeStatus.FAILED, "could not \"start\"\nat all", Instant.EPOCH, null, null);
    assertEquals(
        "{\"start_time\":\"1970-01-01T00:00:00Z\",\"tenant\":null,\"timeline\":null,\"status\":\"failed\",\"last_active\":null,\"error\":\"could"
            + " not \\\"start\\\"\\n"
            + "at all\"}",
        StatusJson.of(s));
    ComputeSnapshot p =
        new ComputeSnapshot(ComputeStatus.CONFIGURATION_PENDING, null, Instant.EPOCH, null, null);
    assertEquals(
        "configuration_pending",
        com.eclipsesource.json.Json.parse(StatusJson.of(p)).asObject().getString("status", ""));
  }
}

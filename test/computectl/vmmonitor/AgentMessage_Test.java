package computectl.vmmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AgentMessage_Test {
  @Test
  void parse_readsEveryAgentTypeWithTheAgentsNewline() {
    assertEquals(
        new AgentMessage.UpscaleNotification(4, new Allocation(1.25, 5368709120L)),
        AgentMessage.parse(
            "{\"content\":{\"granted\":{\"cpu\":1.25,\"mem\":5368709120}},\"type\":\"UpscaleNotification\",\"id\":4}\n"));
    assertEquals(
        new AgentMessage.DownscaleRequest(2, new Allocation(1, 4294967296L)),
        AgentMessage.parse(
            "{\"content\":{\"target\":{\"cpu\":1,\"mem\":4294967296}},\"type\":\"DownscaleRequest\",\"id\":2}\n"));
    assertEquals(
        new AgentMessage.HealthCheck(2),
        AgentMessage.parse("{\"content\":{},\"type\":\"HealthCheck\",\"id\":2}\n"));
    assertEquals(
        new AgentMessage.InvalidMessage(3, "bad <x> & y"),
        AgentMessage.parse(
            "{\"content\":{\"error\":\"bad \\u003cx\\u003e \\u0026"
                + " y\"},\"type\":\"InvalidMessage\",\"id\":3}\n"));
    assertEquals(
        new AgentMessage.InternalErrorMessage(5, "boom"),
        AgentMessage.parse(
            "{\"content\":{\"error\":\"boom\"},\"type\":\"InternalError\",\"id\":5}"));
  }

  @Test
  void parse_ignoresKeyOrderAndUnknownKeys() {
    assertEquals(
        new AgentMessage.HealthCheck(8),
        AgentMessage.parse(
            "{\"id\":8,\"extra\":[1],\"type\":\"HealthCheck\",\"content\":{\"x\":1}}"));
  }

  @Test
  void parse_refusesUnknownAndMonitorOnlyTypesKeepingTheId() {
    InvalidAgentMessageException e =
        assertThrows(
            InvalidAgentMessageException.class,
            () -> AgentMessage.parse("{\"content\":{},\"type\":\"Reboot\",\"id\":6}"));
    assertEquals("unknown message type \"Reboot\"", e.getMessage());
    assertEquals(6, e.id());
    assertEquals(
        8,
        assertThrows(
                InvalidAgentMessageException.class,
                () -> AgentMessage.parse("{\"content\":{},\"type\":\"UpscaleRequest\",\"id\":8}"))
            .id());
  }

  @Test
  void parse_refusesAMissingContent() {
    InvalidAgentMessageException e =
        assertThrows(
            InvalidAgentMessageException.class,
            () -> AgentMessage.parse("{\"type\":\"HealthCheck\",\"id\":2}"));
    assertEquals("HealthCheck message has no \"content\" object", e.getMessage());
    assertEquals(2, e.id());
  }

  @Test
  void parse_refusesIdsThatAreNotUnsignedIntegers() {
    for (String id : new String[] {"-1", "2.5", "1e3", "\"2\"", "18446744073709551616"}) {
      InvalidAgentMessageException e =
          assertThrows(
              InvalidAgentMessageException.class,
              () ->
                  AgentMessage.parse(
                      "{\"content\":{},\"type\":\"HealthCheck\",\"id\":" + id + "}"));
      assertEquals(0, e.id());
      assertTrue(e.getMessage().contains("\"id\""), e.getMessage());
    }
    assertEquals(
        "message has no \"id\"",
        assertThrows(
                InvalidAgentMessageException.class,
                () -> AgentMessage.parse("{\"content\":{},\"type\":\"HealthCheck\"}"))
            .getMessage());
  }

  @Test
  void parse_refusesBadJsonAndBadPayloads() {
    assertTrue(
        assertThrows(InvalidAgentMessageException.class, () -> AgentMessage.parse("not json"))
            .getMessage()
            .startsWith("message is not valid JSON"));
    assertEquals(
        "\"target\": \"mem\" must be an unsigned integer, not -5",
        assertThrows(
                InvalidAgentMessageException.class,
                () ->
                    AgentMessage.parse(
                        "{\"content\":{\"target\":{\"cpu\":1,\"mem\":-5}},\"type\":\"DownscaleRequest\",\"id\":2}"))
            .getMessage());
    assertEquals(
        "\"granted\" has no numeric \"cpu\"",
        assertThrows(
                InvalidAgentMessageException.class,
                () ->
                    AgentMessage.parse(
                        "{\"content\":{\"granted\":{\"cpu\":\"1\",\"mem\":5}},\"type\":\"UpscaleNotification\",\"id\":2}"))
            .getMessage());
    assertEquals(
        "content has no string \"error\"",
        assertThrows(
                InvalidAgentMessageException.class,
                () -> AgentMessage.parse("{\"content\":{},\"type\":\"InvalidMessage\",\"id\":2}"))
            .getMessage());
  }

  @Test
  void monitorMessages_areFlatWithTypeFirstAndIdLast() {
    assertEquals(
        "{\"type\":\"DownscaleResult\",\"Ok\":false,\"Status\":\"no\",\"id\":4}",
        MonitorMessages.downscaleResult(false, "no", 4));
    assertEquals(
        "{\"type\":\"InternalError\",\"error\":\"failed to downscale\",\"id\":6}",
        MonitorMessages.internalError("failed to downscale", 6));
    assertEquals(
        "{\"type\":\"InvalidMessage\",\"error\":\"x\",\"id\":8}",
        MonitorMessages.invalidMessage("x", 8));
    assertEquals("{\"type\":\"UpscaleRequest\",\"id\":3}", MonitorMessages.upscaleRequest(3));
    assertEquals(
        "{\"type\":\"UpscaleConfirmation\",\"id\":4}", MonitorMessages.upscaleConfirmation(4));
    assertEquals("{\"type\":\"HealthCheck\",\"id\":2}", MonitorMessages.healthCheck(2));
    assertEquals("{\"version\":1}", MonitorMessages.version(1));
    assertEquals("{\"error\":\"a \\\"b\\\"\"}", MonitorMessages.versionError("a \"b\""));
  }
}

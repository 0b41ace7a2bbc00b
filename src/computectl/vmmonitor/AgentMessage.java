package computectl.vmmonitor;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import computectl.util.JsonDepth;

/**
 * An agent-to-monitor message after the handshake. On the wire the payload is nested: {@code
 * {"content":{...},"type":"<Type>","id":<unsigned>}}; {@code content} is required even when empty,
 * unknown keys are ignored, key order does not matter.
 */
public sealed interface AgentMessage {
  long id();

  /** The agent grew the VM to {@code granted}. */
  record UpscaleNotification(long id, Allocation granted) implements AgentMessage {}

  /** The agent wants to shrink the VM to {@code target}. */
  record DownscaleRequest(long id, Allocation target) implements AgentMessage {}

  record HealthCheck(long id) implements AgentMessage {}

  /** The agent could not use one of our messages. */
  record InvalidMessage(long id, String error) implements AgentMessage {}

  /** The agent failed while handling one of our messages (type {@code InternalError}). */
  record InternalErrorMessage(long id, String error) implements AgentMessage {}

  /** Parses one text message; trailing whitespace (the agent's newline) is allowed. */
  static AgentMessage parse(String text) {
    JsonValue parsed;
    JsonDepth.Position deep = JsonDepth.tooDeep(text, JsonDepth.MAX);
    if (deep != null) {
      throw new InvalidAgentMessageException(
          "message is not valid JSON: recursion limit exceeded at line "
              + deep.line()
              + " column "
              + deep.column(),
          0);
    }
    try {
      parsed = Json.parse(text);
    } catch (ParseException e) {
      throw new InvalidAgentMessageException("message is not valid JSON: " + e.getMessage(), 0);
    }
    if (!parsed.isObject()) {
      throw new InvalidAgentMessageException("message must be a JSON object", 0);
    }
    JsonObject o = parsed.asObject();
    long id = unsigned(o, "id", "message", 0);
    JsonValue type = o.get("type");
    if (type == null || !type.isString()) {
      throw new InvalidAgentMessageException("message has no string \"type\"", id);
    }
    JsonValue content = o.get("content");
    if (content == null || !content.isObject()) {
      throw new InvalidAgentMessageException(
          shorten(type.asString()) + " message has no \"content\" object", id);
    }
    JsonObject c = content.asObject();
    return switch (type.asString()) {
      case "UpscaleNotification" -> new UpscaleNotification(id, allocation(c, "granted", id));
      case "DownscaleRequest" -> new DownscaleRequest(id, allocation(c, "target", id));
      case "HealthCheck" -> new HealthCheck(id);
      case "InvalidMessage" -> new InvalidMessage(id, string(c, "error", id));
      case "InternalError" -> new InternalErrorMessage(id, string(c, "error", id));
      default ->
          throw new InvalidAgentMessageException(
              "unknown message type \"" + shorten(type.asString()) + "\"", id);
    };
  }

  private static Allocation allocation(JsonObject content, String key, long id) {
    JsonValue v = content.get(key);
    if (v == null || !v.isObject()) {
      throw new InvalidAgentMessageException(
          "content has no \"" + key + "\" allocation object", id);
    }
    JsonValue cpu = v.asObject().get("cpu");
    if (cpu == null || !cpu.isNumber()) {
      throw new InvalidAgentMessageException("\"" + key + "\" has no numeric \"cpu\"", id);
    }
    long mem = unsigned(v.asObject(), "mem", "\"" + key + "\"", id);
    return new Allocation(cpu.asDouble(), mem);
  }

  private static String string(JsonObject content, String key, long id) {
    JsonValue v = content.get(key);
    if (v == null || !v.isString()) {
      throw new InvalidAgentMessageException("content has no string \"" + key + "\"", id);
    }
    return v.asString();
  }

  /** An unsigned integer field; negative, fractional or exponent forms are refused. */
  private static long unsigned(JsonObject o, String key, String where, long id) {
    JsonValue v = o.get(key);
    if (v == null) {
      throw new InvalidAgentMessageException(where + " has no \"" + key + "\"", id);
    }
    String digits = v.toString();
    if (!v.isNumber() || !digits.matches("0|[1-9][0-9]{0,18}")) {
      throw new InvalidAgentMessageException(
          where + ": \"" + key + "\" must be an unsigned integer, not " + shorten(digits), id);
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new InvalidAgentMessageException(
          where + ": \"" + key + "\" is too large: " + digits, id);
    }
  }

  /** Keeps error texts (which go back to the agent) short whatever the agent sent. */
  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}

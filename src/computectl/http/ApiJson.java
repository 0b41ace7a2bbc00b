package computectl.http;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import computectl.util.JsonDepth;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON for the API: the error body, and reading small request bodies with upstream's status split:
 * not JSON is 400, JSON of the wrong shape is 422 naming the path (behaviour.md 9.4).
 */
public final class ApiJson {
  private ApiJson() {}

  /** {@code {"error":"<message>"}}. */
  public static String errorBody(String message) {
    return new JsonObject().add("error", message).toString();
  }

  /** Parses a request body; malformed JSON is a 400 naming the position. */
  public static JsonValue parse(String text) {
    JsonDepth.Position deep = JsonDepth.tooDeep(text, JsonDepth.MAX);
    if (deep != null) {
      throw ApiError.malformedJson(
          "recursion limit exceeded at line " + deep.line() + " column " + deep.column());
    }
    try {
      return Json.parse(text);
    } catch (ParseException e) {
      String msg = e.getMessage();
      int at = msg.lastIndexOf(" at ");
      String what = at < 0 ? msg : msg.substring(0, at);
      throw ApiError.malformedJson(
          what + " at line " + e.getLocation().line + " column " + e.getLocation().column);
    }
  }

  public static JsonObject object(JsonValue v, String path) {
    if (!v.isObject()) {
      throw shape(path, "expected an object, got " + describe(v));
    }
    return v.asObject();
  }

  public static JsonArray array(JsonValue v, String path) {
    if (!v.isArray()) {
      throw shape(path, "expected an array, got " + describe(v));
    }
    return v.asArray();
  }

  /** A required string member. */
  public static String string(JsonObject o, String name, String path) {
    JsonValue v = o.get(name);
    if (v == null) {
      throw shape(path, "missing field \"" + name + "\"");
    }
    return string(v, join(path, name));
  }

  public static String string(JsonValue v, String path) {
    if (!v.isString()) {
      throw shape(path, "expected a string, got " + describe(v));
    }
    return v.asString();
  }

  /** A member that may be absent or null (both give null), else a string. */
  public static String optionalString(JsonObject o, String name, String path) {
    JsonValue v = o.get(name);
    return v == null || v.isNull() ? null : string(v, join(path, name));
  }

  /** A required array of strings. */
  public static List<String> strings(JsonObject o, String name, String path) {
    JsonValue v = o.get(name);
    if (v == null) {
      throw shape(path, "missing field \"" + name + "\"");
    }
    String at = join(path, name);
    List<String> out = new ArrayList<>();
    int i = 0;
    for (JsonValue e : array(v, at)) {
      out.add(string(e, at + "[" + i++ + "]"));
    }
    return out;
  }

  public static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  public static ApiError shape(String path, String problem) {
    return ApiError.wrongShape(path.isEmpty() ? problem : path + ": " + problem);
  }

  static String describe(JsonValue v) {
    if (v.isString()) {
      return "a string";
    }
    if (v.isArray()) {
      return "an array";
    }
    if (v.isObject()) {
      return "an object";
    }
    return v.toString(); // null, true, false, a number: the literal says it best
  }
}

package computectl.spec;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import computectl.util.Ascii;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A JSON value together with its path from the document root, so every conversion error can name
 * where it happened ({@code cluster.roles[2].name: expected a string, got 17}). The value is null
 * when the field is absent.
 */
final class JsonNode {
  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final BigInteger I64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /*
   * The plain conversions as shared functions, for StructFields. Each method reference is an
   * invokedynamic call site that the JVM links the first time it runs, about 0.1 ms apiece in a
   * fresh process; the spec readers name these conversions at some sixty places and a start
   * reads its spec before /status answers, so they use these few instead.
   */
  static final Function<JsonNode, String> STRING = JsonNode::string;
  static final Function<JsonNode, Boolean> BOOL = JsonNode::bool;
  static final Function<JsonNode, Double> NUMBER = JsonNode::number;
  static final Function<JsonNode, Long> U64 = JsonNode::u64;
  static final Function<JsonNode, Long> U32 = JsonNode::u32;
  static final Function<JsonNode, List<String>> STRING_LIST = JsonNode::stringList;
  static final Function<JsonNode, Map<String, String>> STRING_MAP = JsonNode::stringMap;

  private final JsonValue value;
  private final String path;

  private JsonNode(JsonValue value, String path) {
    this.value = value;
    this.path = path;
  }

  static JsonNode root(JsonValue value) {
    return new JsonNode(value, "");
  }

  /** The path as shown in messages; the document root is {@code .}. */
  String path() {
    return path.isEmpty() ? "." : path;
  }

  JsonValue value() {
    return value;
  }

  JsonNode child(String name, JsonValue childValue) {
    String segment = JsonText.pathSegment(name);
    return new JsonNode(childValue, path.isEmpty() ? segment : path + "." + segment);
  }

  JsonNode element(int index, JsonValue childValue) {
    return new JsonNode(childValue, path() + "[" + index + "]");
  }

  SpecException error(String problem) {
    return SpecException.shape(path(), problem);
  }

  SpecException typeError(String expected) {
    return error("expected " + expected + ", got " + describe(value));
  }

  /** How a wrong value is shown: scalars as JSON text (long strings cut), containers by kind. */
  static String describe(JsonValue v) {
    if (v == null) {
      return "nothing";
    }
    if (v.isObject()) {
      return "an object";
    }
    if (v.isArray()) {
      return "an array";
    }
    if (v.isString()) {
      return JsonText.quoteShort(v.asString());
    }
    String text = v.toString();
    return text.length() <= JsonText.MAX_SHOWN
        ? text
        : text.substring(0, JsonText.MAX_SHOWN) + "...";
  }

  JsonObject object() {
    if (value == null || !value.isObject()) {
      throw typeError("an object");
    }
    return value.asObject();
  }

  String string() {
    if (value == null || !value.isString()) {
      throw typeError("a string");
    }
    return value.asString();
  }

  boolean bool() {
    if (value == null || !value.isBoolean()) {
      throw typeError("a boolean");
    }
    return value.asBoolean();
  }

  /**
   * A JSON number that fits upstream's {@code f32}. Larger ones are refused here: as a float they
   * would be infinite, which JSON cannot write back (the spec fuzzer found 1e39 breaking the spec's
   * JSON round trip).
   */
  double number() {
    if (value == null || !value.isNumber()) {
      throw typeError("a number");
    }
    double d = Double.parseDouble(value.toString());
    if (Float.isInfinite((float) d)) {
      throw error("number out of range for a 32-bit float: " + describe(value));
    }
    return d;
  }

  /**
   * An unsigned 64-bit integer. Values above {@code Long.MAX_VALUE} are valid u64 but are refused
   * with their own message: nothing meaningful (sizes, counts) gets that large, and a Java long
   * would show them negative.
   */
  long u64() {
    BigInteger n = unsignedInteger("an unsigned 64-bit integer", U64_MAX);
    if (n.compareTo(I64_MAX) > 0) {
      throw error(n + " is larger than the supported maximum " + Long.MAX_VALUE);
    }
    return n.longValueExact();
  }

  long u32() {
    return unsignedInteger("an unsigned 32-bit integer", BigInteger.valueOf(0xFFFFFFFFL))
        .longValueExact();
  }

  /**
   * An optional minus sign and ASCII digits: a JSON number without fraction or exponent. A loop,
   * not a regular expression: the spec is read first thing at start, and compiling the pattern
   * there took about a millisecond in a fresh JVM.
   */
  private static boolean isInteger(String literal) {
    String digits = literal.startsWith("-") ? literal.substring(1) : literal;
    return Ascii.isDigits(digits, Integer.MAX_VALUE);
  }

  private BigInteger unsignedInteger(String expected, BigInteger max) {
    if (value == null || !value.isNumber() || !isInteger(value.toString())) {
      throw typeError(expected);
    }
    // A longer literal is out of range anyway; not parsing it keeps hostile input cheap.
    if (value.toString().length() > 24) {
      throw typeError(expected);
    }
    BigInteger n = new BigInteger(value.toString());
    if (n.signum() < 0 || n.compareTo(max) > 0) {
      throw typeError(expected);
    }
    return n;
  }

  <T> List<T> list(Function<JsonNode, T> element) {
    if (value == null || !value.isArray()) {
      throw typeError("an array");
    }
    JsonArray array = value.asArray();
    List<T> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(element.apply(element(i, array.get(i))));
    }
    return Collections.unmodifiableList(out);
  }

  List<String> stringList() {
    return list(JsonNode::string);
  }

  /** An object read as a map; for a repeated key the last value wins at the first key's place. */
  <T> Map<String, T> map(Function<JsonNode, T> entry) {
    JsonObject object = object();
    Map<String, T> out = new LinkedHashMap<>();
    for (JsonObject.Member m : object) {
      out.put(m.getName(), entry.apply(child(m.getName(), m.getValue())));
    }
    return out;
  }

  Map<String, String> stringMap() {
    return map(JsonNode::string);
  }

  /** An enum spelled as one of {@code spellings}; the message lists them all. */
  String variant(List<String> spellings) {
    String s = string();
    if (!spellings.contains(s)) {
      throw error(
          "unknown variant " + JsonText.name(s) + ", expected " + JsonText.oneOf(spellings));
    }
    return s;
  }
}

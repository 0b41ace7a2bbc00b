package computectl.http;

import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import computectl.spec.ConfigurationRequest;
import computectl.spec.ParsedSpec;
import computectl.spec.SpecException;
import computectl.spec.SpecParser;
import computectl.spec.SpecValidator;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code POST /configure} (behaviour.md 7 and 9.5): hands a new spec to the startup flow (from
 * Empty) or to the configurator (from Running) and waits until it is Running or Failed. Concurrent
 * calls are applied one after the other, never interleaved (upstream would answer the second with
 * 412).
 */
final class ConfigureHandler implements RouteHandler {
  private final ComputeNode node;
  private final boolean liveConfigAllowed;
  private final ReentrantLock oneAtATime = new ReentrantLock(true);

  ConfigureHandler(ComputeNode node, boolean liveConfigAllowed) {
    this.node = node;
    this.liveConfigAllowed = liveConfigAllowed;
  }

  @Override
  public void handle(ApiRequest request) throws InterruptedException {
    ConfigurationRequest body = parse(request.jsonBody());
    if (!liveConfigAllowed) {
      throw new ApiError(412, "live configuration is not allowed for this compute node");
    }
    ParsedSpec parsed;
    try {
      parsed = SpecValidator.validate(body.spec());
    } catch (SpecException e) {
      throw new ApiError(400, e.getMessage());
    }
    oneAtATime.lockInterruptibly();
    try {
      ComputeStatus seen =
          node.transitionIf(
              s -> s == ComputeStatus.EMPTY || s == ComputeStatus.RUNNING,
              ComputeStatus.CONFIGURATION_PENDING,
              parsed);
      if (seen != ComputeStatus.EMPTY && seen != ComputeStatus.RUNNING) {
        throw ApiError.invalidStatus(seen);
      }
      // Termination can only follow Running, so seeing it also means the spec was applied.
      ComputeStatus end =
          node.await(
              s ->
                  s == ComputeStatus.RUNNING
                      || s == ComputeStatus.FAILED
                      || s == ComputeStatus.TERMINATION_PENDING
                      || s == ComputeStatus.TERMINATED,
              null);
      if (end == ComputeStatus.FAILED) {
        String error = node.state().error();
        throw new ApiError(
            500,
            "compute configuration failed: " + rustDebug(error == null ? "unknown error" : error));
      }
      request.respondJson(200, StatusJson.of(node.state()));
    } finally {
      oneAtATime.unlock();
    }
  }

  private static ConfigurationRequest parse(String json) {
    try {
      return SpecParser.parseConfigurationRequest(json);
    } catch (SpecException e) {
      switch (e.kind()) {
        case SYNTAX:
          throw ApiError.malformedJson(e.getMessage());
        case SHAPE:
          // Upstream names no path for a problem at the top level; the spec parser calls it ".".
          throw ApiError.wrongShape(
              e.getMessage().startsWith(".: ") ? e.getMessage().substring(3) : e.getMessage());
        default:
          throw new ApiError(400, e.getMessage());
      }
    }
  }

  /**
   * A string as Rust's {@code {:?}} prints it: quoted, with escapes for quotes, backslashes and
   * controls.
   */
  static String rustDebug(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '"':
                  sb.append("\\\"");
                  break;
                case '\\':
                  sb.append("\\\\");
                  break;
                case '\n':
                  sb.append("\\n");
                  break;
                case '\r':
                  sb.append("\\r");
                  break;
                case '\t':
                  sb.append("\\t");
                  break;
                case 0:
                  sb.append("\\0");
                  break;
                default:
                  if (Character.isISOControl(c)) {
                    sb.append("\\u{").append(Integer.toHexString(c)).append('}');
                  } else {
                    sb.appendCodePoint(c);
                  }
              }
            });
    return sb.append('"').toString();
  }
}

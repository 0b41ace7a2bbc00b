package computectl.lease;

import computectl.pgwire.ConnInfo;
import computectl.pgwire.QueryResult;
import computectl.pgwire.WireClient;
import computectl.spec.Lsn;
import computectl.util.ComputeCtlException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One round of {@code lease lsn} requests (behaviour.md 12.1): one per entry of the pageserver
 * connection string, each for its shard ({@code <tenant>-<number><count>} in two lower-case hex
 * digits each, or the bare tenant id when there is a single pageserver). The lease is the earliest
 * {@code valid_until}; a refusal (NULL) anywhere refuses the whole lease.
 */
final class LeaseRequest {
  private static final String COLUMN = "valid_until";

  private LeaseRequest() {}

  static String tenantShardId(String tenantId, int number, int count) {
    return count <= 1
        ? tenantId
        : String.format(Locale.ROOT, "%s-%02x%02x", tenantId, number, count);
  }

  /** The command text, with upstream's trailing space. */
  static String command(String tenantShardId, String timelineId, Lsn lsn) {
    return "lease lsn " + tenantShardId + " " + timelineId + " " + lsn + " ";
  }

  /**
   * Asks every pageserver in turn.
   *
   * @param opened told of each connection while it is open, so that a stop can close it
   * @return the earliest valid_until (ms since the epoch), or empty when a pageserver refused
   * @throws RuntimeException any transport or protocol failure (retried by the caller)
   */
  static OptionalLong acquire(
      String pageserverConnstr,
      String authToken,
      String tenantId,
      String timelineId,
      Lsn lsn,
      Duration connectTimeout,
      Duration readTimeout,
      Consumer<WireClient> opened) {
    List<String> connstrs = List.of(pageserverConnstr.split(","));
    List<OptionalLong> answers = new ArrayList<>();
    for (int i = 0; i < connstrs.size(); i++) {
      ConnInfo info = ConnInfo.parse(connstrs.get(i));
      String shard = tenantShardId(tenantId, i, connstrs.size());
      try (WireClient client =
          WireClient.connect(info, authToken, null, connectTimeout, readTimeout)) {
        opened.accept(client);
        answers.add(validUntil(client.simpleQuery(command(shard, timelineId, lsn))));
      } finally {
        opened.accept(null);
      }
    }
    long earliest = Long.MAX_VALUE;
    for (OptionalLong a : answers) {
      if (a.isEmpty()) {
        return OptionalLong.empty();
      }
      earliest = Math.min(earliest, a.getAsLong());
    }
    return OptionalLong.of(earliest);
  }

  static OptionalLong validUntil(List<QueryResult> results) {
    if (results.isEmpty()) {
      throw new ComputeCtlException("empty response");
    }
    QueryResult r = results.get(0);
    if (r.rows().isEmpty() || r.columns().indexOf(COLUMN) < 0) {
      throw new ComputeCtlException("error parsing lsn lease response");
    }
    String value = r.get(0, COLUMN);
    if (value == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new ComputeCtlException(
          "lsn lease response has a malformed valid_until: \"" + value + "\"");
    }
  }
}

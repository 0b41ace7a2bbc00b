package computectl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class Wrk_Test {
  private static final String REPORT =
      String.join(
          "\n",
          "Running 4s test @ http://127.0.0.1:8080/status",
          "  2 threads and 200 connections",
          "  Latency Distribution",
          "     50%    4.90ms",
          "     75%    6.00ms",
          "     90%    7.50ms",
          "     99%  850.00us",
          "  43210 requests in 4.00s, 9.10MB read",
          "  Socket errors: connect 1, read 2, write 0, timeout 3",
          "  Non-2xx or 3xx responses: 4",
          "Requests/sec:  10802.50",
          "Transfer/sec:      2.27MB");

  @Test
  void parse_readsRateP99AndEveryError() throws IOException {
    LoadResult r = Wrk.parse(REPORT, "wrk");
    assertEquals(10802.5, r.requestsPerSecond(), 1e-9);
    assertEquals(0.85, r.p99Millis(), 1e-9);
    assertEquals(43210, r.requests());
    assertEquals(10, r.errors());
  }

  @Test
  void parse_refusesAReportWithoutLatencyDistribution() {
    assertThrows(IOException.class, () -> Wrk.parse("Requests/sec: 1\n5 requests in 1s", "wrk"));
  }
}

package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.ControlPlaneStandIn;
import computectl.testsupport.ComputeCtlProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The start path's warm-up in Empty: it leaves PGDATA alone, and a /configure that arrives while it
 * runs stops it and proceeds to Running.
 */
@Tag("e2e")
class ComputeWarmup_Test {
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  private static final Pattern STOPPED =
      Pattern.compile("start path warm-up stopped by a request after (\\d+) of 100000 rounds");

  /** Every path under PGDATA with its size and modification time (none: PGDATA is absent). */
  private static Map<String, String> snapshot(Path pgdata) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(pgdata)) {
      return files;
    }
    try (Stream<Path> all = Files.walk(pgdata)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        files.put(pgdata.relativize(p).toString(), a.size() + " " + a.lastModifiedTime());
      }
    }
    return files;
  }

  @Test
  void warmupLeavesPgdataAloneAndYieldsToConfigure() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-e2e");
        ComputeCtlProcess cc =
            fx.start(
                node,
                null,
                List.of("--control-plane-uri", cp.uri()),
                Map.of("COMPUTE_CTL_WARMUP_ROUNDS", "100000"))) {
      cc.awaitStatus(s -> s.contains("\"status\":\"empty\""), Duration.ofSeconds(60));
      Map<String, String> before = snapshot(node.pgdata());
      Thread.sleep(1500); // the warm-up runs rounds meanwhile
      assertEquals(before, snapshot(node.pgdata()), "PGDATA changed while in Empty");

      String body = fx.spec(node).role("alice", null).configureBody();
      HttpResponse<String> r = cc.post("/configure", body, Duration.ofMinutes(2));
      assertEquals(200, r.statusCode(), r.body() + cc.log());
      assertTrue(r.body().contains("\"status\":\"running\""), r.body());
      Matcher m = STOPPED.matcher(cc.log());
      assertTrue(m.find(), "the warm-up was not stopped by /configure:\n" + cc.log());
      assertTrue(Integer.parseInt(m.group(1)) < 100_000, m.group());
      assertTrue(!cc.log().contains("compute_ctl-warmup-"), "warm-up paths reached the log");
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(30)), cc.log());
    }
  }
}

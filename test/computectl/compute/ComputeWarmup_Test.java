package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.ControlPlaneStandIn;
import computectl.testsupport.Await;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
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

  private static final Pattern ROUND = Pattern.compile("round-(\\d+)");

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

  /**
   * The highest round whose directory is there now, in the warm-up's scratch directory under {@code
   * scratchParent} (-1: none).
   */
  private static int latestRound(Path scratchParent) {
    int latest = -1;
    try (Stream<Path> scratch = Files.list(scratchParent)) {
      for (Path dir : (Iterable<Path>) scratch::iterator) {
        try (Stream<Path> rounds = Files.list(dir)) {
          for (Path round : (Iterable<Path>) rounds::iterator) {
            Matcher m = ROUND.matcher(round.getFileName().toString());
            if (m.matches()) {
              latest = Math.max(latest, Integer.parseInt(m.group(1)));
            }
          }
        }
      }
    } catch (IOException e) {
      // A directory removed while listed: the next look sees the new state.
    }
    return latest;
  }

  private static void await(String what, BooleanSupplier condition, ComputeCtlProcess cc)
      throws InterruptedException {
    try {
      Await.until(what, Duration.ofSeconds(60), condition);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + cc.log(), e);
    }
  }

  @Test
  void warmupLeavesPgdataAloneAndYieldsToConfigure() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    // A scratch parent of the test's own, so that the warm-up's rounds can be watched.
    Path scratchParent = TestPg.workDir("computectl-warmup-tmp-");
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-e2e");
        ComputeCtlProcess cc =
            fx.start(
                node,
                null,
                List.of("--control-plane-uri", cp.uri()),
                Map.of(
                    "COMPUTE_CTL_WARMUP_ROUNDS",
                    "100000",
                    "COMPUTE_CTL_WARMUP_DIR",
                    scratchParent.toString()))) {
      cc.awaitStatus(s -> s.contains("\"status\":\"empty\""), Duration.ofSeconds(60));
      Map<String, String> before = snapshot(node.pgdata());
      // Rounds run one after the other, each in its own directory: once round k+2's exists, round
      // k+1 ran whole after the snapshot (round k was seen after it).
      int[] first = {-1};
      await("a warm-up round", () -> (first[0] = latestRound(scratchParent)) >= 0, cc);
      await("two more warm-up rounds", () -> latestRound(scratchParent) >= first[0] + 2, cc);
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

  /**
   * A start from a spec file had no wait in Empty: the spec and SQL part of the warm-up starts with
   * Postgres instead, and is over (done, or stopped at the start's end) by the time the compute is
   * Running; with the warm-up turned off, it does not run.
   */
  @Test
  void specFileStartWarmsSqlBesidePostgres() throws Exception {
    for (String rounds : List.of("3", "0")) {
      ComputeFixture.Node node = ComputeFixture.newNode();
      try (ComputeCtlProcess cc =
          fx.start(
              node,
              ComputeFixture.write(fx.spec(node).role("alice", null)),
              List.of(),
              Map.of("COMPUTE_CTL_WARMUP_ROUNDS", rounds))) {
        cc.awaitStatus(s -> s.contains("\"status\":\"running\""), Duration.ofMinutes(2));
        boolean ran =
            Pattern.compile(
                    "start path warm-up \\(spec and SQL\\) (done|stopped: the start is over)")
                .matcher(cc.log())
                .find();
        assertEquals(!rounds.equals("0"), ran, "rounds " + rounds + ":\n" + cc.log());
        assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
        assertEquals(0, cc.awaitExit(Duration.ofSeconds(30)), cc.log());
      }
    }
  }
}

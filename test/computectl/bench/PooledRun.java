package computectl.bench;

import com.eclipsesource.json.JsonObject;
import computectl.standin.ControlPlaneStandIn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One pooled compute: booted against the control plane stand-in (which has no spec for it), idle in
 * Empty for a while, then given its spec by POST /configure; its timings and memory.
 *
 * @param bootMillis exec until /status answers empty (includes upstream's prewarm)
 * @param configureMillis POST /configure until its answer
 * @param status the answer's status code
 * @param metrics /metrics.json after the answer
 * @param empty memory idle in Empty, just before /configure
 * @param running memory idle in Running, {@link #RUNNING_SETTLE_MILLIS} after the answer (null
 *     unless {@code idleAfter})
 */
record PooledRun(
    double bootMillis,
    double configureMillis,
    int status,
    String body,
    JsonObject metrics,
    Mem empty,
    Mem running) {

  /**
   * How long after Running the compute counts as idle. Its own post-start work ends later than the
   * answer: the heap trim's full collections 1 s after Running, the native heap trim once a second.
   * Sampled every second, anonymous memory was 32.0 to 33.2 MiB 2 s after the answer in all of 6
   * runs and 30.5 to 31.0 MiB from 4 s on in all of them (and stayed there to 6 s).
   */
  static final long RUNNING_SETTLE_MILLIS = 5000;

  static PooledRun of(
      BenchEnv env,
      BenchNode node,
      String specJson,
      long idleMillis,
      boolean idleAfter,
      String name,
      Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    return of(env.launcher, env, node, specJson, idleMillis, idleAfter, name, extraEnv);
  }

  /** As above, from the image of {@code launcher} (an A/B of two images). */
  static PooledRun of(
      Path launcher,
      BenchEnv env,
      BenchNode node,
      String specJson,
      long idleMillis,
      boolean idleAfter,
      String name,
      Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-bench");
        BenchCompute cc = BenchCompute.start(launcher, env, node, null, cp.uri(), name, extraEnv)) {
      double boot = cc.awaitStatus("\"status\":\"empty\"", 120_000);
      Thread.sleep(idleMillis);
      Mem idle = Mem.of(cc.pid());
      String body = "{\"spec\":" + specJson + ",\"compute_ctl_config\":{\"jwks\":{\"keys\":[]}}}";
      long t0 = System.nanoTime();
      RawHttp.Response r = cc.post("/configure", body, 120_000);
      double ms = (System.nanoTime() - t0) / 1e6;
      JsonObject m = cc.metricsJson();
      Mem run = null;
      if (idleAfter) {
        Thread.sleep(RUNNING_SETTLE_MILLIS);
        run = Mem.of(cc.pid());
      }
      cc.terminate();
      return new PooledRun(boot, ms, r.status(), r.body(), m, idle, run);
    }
  }

  boolean isRunning() {
    return status == 200 && body.contains("\"status\":\"running\"");
  }

  long metric(String name) {
    return metrics.getLong(name, -1);
  }
}

package computectl.localproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.spec.LocalProxySpec;
import computectl.spec.TlsConfig;
import computectl.testsupport.Await;
import computectl.testsupport.Requirements;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalProxyConfigurer_Test {
  private static final LocalProxySpec SPEC =
      new LocalProxySpec(
          List.of(
              new LocalProxySpec.JwksSettings(
                  "id1", List.of("alice", "bob"), "https://auth.example/jwks", "example", null),
              new LocalProxySpec.JwksSettings(
                  "id2", List.of(), "https://x/\"q\"", "p\\2", "aud\n")),
          new TlsConfig("/tls/key", "/tls/crt"));

  /**
   * A process that writes its pid into {@code dir/pid}, holds it with flock when asked, and logs
   * each SIGHUP.
   */
  private static Process fakeLocalProxy(Path dir, boolean lock) throws Exception {
    Requirements.flock();
    String script =
        "trap 'echo hup >> \"$1/hups\"' HUP\n"
            + "exec 9<>\"$1/pid\"\n"
            + (lock ? "flock -n 9 || exit 3\n" : "")
            + "echo $$ > \"$1/pid\"\n"
            + "echo ready > \"$1/ready\"\n"
            + "while true; do sleep 0.05; done\n";
    // A shell cannot trap a signal that was ignored when it started, and a test run under nohup
    // hands every child SIGHUP ignored: the fake starts with SIGHUP at its default.
    Process p =
        new ProcessBuilder("env", "--default-signal=HUP", "sh", "-c", script, "sh", dir.toString())
            .redirectErrorStream(true)
            .start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!Files.exists(dir.resolve("ready"))) {
      if (System.nanoTime() > deadline || !p.isAlive()) {
        p.destroyForcibly();
        throw new AssertionError("the fake local_proxy did not start");
      }
      Thread.sleep(10);
    }
    return p;
  }

  private static boolean awaitHup(Path dir, long millis) throws Exception {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (Files.exists(dir.resolve("hups"))
          && Files.readString(dir.resolve("hups")).contains("hup")) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  @Test
  void json_prettyPrintsLikeUpstream() {
    assertEquals(
        String.join(
            "\n",
            "{",
            "  \"jwks\": [",
            "    {",
            "      \"id\": \"id1\",",
            "      \"role_names\": [",
            "        \"alice\",",
            "        \"bob\"",
            "      ],",
            "      \"jwks_url\": \"https://auth.example/jwks\",",
            "      \"provider_name\": \"example\",",
            "      \"jwt_audience\": null",
            "    },",
            "    {",
            "      \"id\": \"id2\",",
            "      \"role_names\": [],",
            "      \"jwks_url\": \"https://x/\\\"q\\\"\",",
            "      \"provider_name\": \"p\\\\2\",",
            "      \"jwt_audience\": \"aud\\n\"",
            "    }",
            "  ],",
            "  \"tls\": {",
            "    \"key_path\": \"/tls/key\",",
            "    \"cert_path\": \"/tls/crt\"",
            "  }",
            "}"),
        PrettyJson.of(SPEC));
    assertEquals("{}", PrettyJson.of(new LocalProxySpec(null, null)));
    assertEquals("\"\\u0001\"", PrettyJson.string("\u0001"));
  }

  @Test
  void configure_noPidFile_writesTheConfigOnly() throws Exception {
    Path dir = Files.createTempDirectory("computectl-lp-");

    new LocalProxyConfigurer(dir.resolve("config.json"), dir.resolve("pid")).configure(SPEC);

    assertEquals(PrettyJson.of(SPEC), Files.readString(dir.resolve("config.json")));
    assertFalse(Files.exists(dir.resolve("pid")), "checking the lock does not create the pid file");
  }

  @Test
  void configure_lockedPidFile_sendsSighupToItsOwner() throws Exception {
    Path dir = Files.createTempDirectory("computectl-lp-");
    Process proxy = fakeLocalProxy(dir, true);
    try {
      new LocalProxyConfigurer(dir.resolve("config.json"), dir.resolve("pid")).configure(SPEC);

      assertTrue(awaitHup(dir, 30_000), "local_proxy got SIGHUP");
      assertTrue(proxy.isAlive());
    } finally {
      proxy.destroyForcibly();
    }
  }

  @Test
  void configure_unlockedPidFile_signalsNobody() throws Exception {
    Path dir = Files.createTempDirectory("computectl-lp-");
    Process stale = fakeLocalProxy(dir, false);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream previous = Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      new LocalProxyConfigurer(dir.resolve("config.json"), dir.resolve("pid")).configure(SPEC);

      // The signal is sent (and logged) before configure returns: none now means none at all.
      assertFalse(
          log.toString(StandardCharsets.UTF_8).contains("SIGHUP"),
          "a pid file nobody locks names no running local_proxy");
      assertFalse(Files.exists(dir.resolve("hups")));
    } finally {
      Log.setOutput(previous);
      stale.destroyForcibly();
    }
  }

  @Test
  void configure_lockedPidFileWithoutPid_isAnError() throws Exception {
    Path dir = Files.createTempDirectory("computectl-lp-");
    Process holder =
        new ProcessBuilder(
                "sh",
                "-c",
                "exec 9<>\"$1/pid\"; flock -n 9; echo ready > \"$1/ready\"; "
                    + "while true; do sleep 0.05; done",
                "sh",
                dir.toString())
            .start();
    try {
      Await.until("the lock holder ready", () -> Files.exists(dir.resolve("ready")));
      ComputeCtlException e =
          assertThrows(
              ComputeCtlException.class,
              () ->
                  new LocalProxyConfigurer(dir.resolve("config.json"), dir.resolve("pid"))
                      .configure(SPEC));

      assertEquals(
          "pid file " + dir.resolve("pid") + " is locked but does not hold a pid: \"\"",
          e.getMessage());
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void configure_unwritableConfig_saysWhere() throws Exception {
    Path dir = Files.createTempDirectory("computectl-lp-");
    Path config = dir.resolve("missing-dir").resolve("config.json");

    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () -> new LocalProxyConfigurer(config, dir.resolve("pid")).configure(SPEC));

    assertTrue(e.getMessage().startsWith("writing " + config + ": "), e.getMessage());
  }
}

package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.ControlPlaneStandIn;
import computectl.standin.SpecBuilder;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.Passwords;
import computectl.testsupport.TestPg;
import computectl.util.RunAs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A full pooled start with known secrets (role passwords as md5 and SCRAM hashes, the storage
 * token, the control-plane token, the API's JWT), then a hunt for every form of them in every
 * output: the log (Postgres's forwarded lines included), /status, /metrics, /metrics.json, the
 * errors of a bad /configure, of a failed reconfiguration and of a rejected token, the debug
 * bundle, and the command lines of every process the compute runs. Also the modes of PGDATA and of
 * what compute_ctl writes into it.
 */
@Tag("e2e")
class ComputeSecrets_Test {
  private static final String COMPUTE_ID = "compute-e2e";
  private static final String ALICE_PW = "alice-plain-6c1f2b";
  private static final String BOB_PW = "bob-plain-93ad0e";
  private static final String ALICE_HASH = Passwords.md5("alice", ALICE_PW);
  private static final String BOB_VERIFIER =
      Passwords.scram(BOB_PW, "salt-for-bob-123".getBytes(StandardCharsets.UTF_8));
  private static final String CPLANE_TOKEN = "cplane-token-5e8a41d7";
  private static final String LEAK_HASH = Passwords.md5("pg_leak", "leak-plain-b27c");

  private static ComputeFixture fx;
  private static KeyPair key;
  private static String jwt;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void setUp() throws Exception {
    fx = new ComputeFixture();
    key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    jwt =
        sign(
            "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}",
            "{\"compute_id\":\""
                + COMPUTE_ID
                + "\",\"exp\":"
                + (System.currentTimeMillis() / 1000 + 3600)
                + "}");
  }

  @AfterAll
  static void tearDown() {
    fx.close();
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String sign(String header, String claims) throws Exception {
    String input =
        b64(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + b64(claims.getBytes(StandardCharsets.UTF_8));
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(key.getPrivate());
    s.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64(s.sign());
  }

  private static String jwks() {
    byte[] spki = key.getPublic().getEncoded();
    String x = b64(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    return "{\"jwks\":{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"EdDSA\",\"kid\":\"k1\",\"x\":\""
        + x
        + "\"}]}}";
  }

  /**
   * Every form a secret could take in an output: the plain texts, the hashes and their parts, the
   * tokens.
   */
  private static Map<String, String> secrets() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("alice's password", ALICE_PW);
    s.put("bob's password", BOB_PW);
    s.put("alice's md5 hash", ALICE_HASH);
    s.put("bob's SCRAM verifier", BOB_VERIFIER);
    String[] parts = BOB_VERIFIER.substring("SCRAM-SHA-256$4096:".length()).split("[$:]");
    s.put("bob's SCRAM stored key", parts[1]);
    s.put("bob's SCRAM server key", parts[2]);
    s.put("the failing role's hash", LEAK_HASH);
    s.put("the storage token", ComputeFixture.TOKEN);
    s.put("the control-plane token", CPLANE_TOKEN);
    s.put("the JWT", jwt);
    s.put("the JWT's signature", jwt.substring(jwt.lastIndexOf('.') + 1));
    return s;
  }

  private static void assertNoSecret(String where, String text) {
    secrets()
        .forEach(
            (what, secret) ->
                assertTrue(!text.contains(secret), where + " shows " + what + ":\n" + text));
  }

  private HttpResponse<String> call(
      ComputeFixture.Node node, String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.externalPort() + path))
            .timeout(Duration.ofMinutes(2))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json");
    b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void fullStart_showsNoSecretAnywhere() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    List<String> outputs = new ArrayList<>();
    try (ControlPlaneStandIn cp =
            ControlPlaneStandIn.start()
                .reply(
                    COMPUTE_ID,
                    200,
                    "{\"spec\":null,\"status\":\"empty\",\"compute_ctl_config\":" + jwks() + "}");
        ComputeCtlProcess cc =
            fx.start(
                node,
                null,
                List.of("--control-plane-uri", cp.uri()),
                Map.of("NEON_CONTROL_PLANE_TOKEN", CPLANE_TOKEN))) {
      awaitStatus(node, "empty");
      SpecBuilder spec =
          fx.spec(node)
              .role("alice", ALICE_HASH)
              .role("bob", BOB_VERIFIER)
              .database("appdb", "alice");
      HttpResponse<String> r = call(node, "POST", "/configure", spec.configureBody(), jwt);
      assertEquals(200, r.statusCode(), r.body() + cc.log());
      outputs.add("/configure: " + r.body());

      String broken =
          spec.configureBody()
              .replace("\"bob\",\"encrypted_password\"", "\"bob\",\"encrypted_password\":42,\"x\"");
      r = call(node, "POST", "/configure", broken, jwt);
      assertEquals(422, r.statusCode(), r.body());
      outputs.add("/configure with a wrong shape: " + r.body());
      r =
          call(
              node,
              "POST",
              "/configure",
              spec.configureBody().replace(ALICE_HASH + "\"", ALICE_HASH + "\",,"),
              jwt);
      assertEquals(400, r.statusCode(), r.body());
      outputs.add("/configure with broken JSON: " + r.body());
      r = call(node, "GET", "/status", null, jwt.substring(0, jwt.length() - 4) + "AAAA");
      assertEquals(401, r.statusCode(), r.body());
      outputs.add("a rejected token: " + r.body());
      for (String path : List.of("/status", "/metrics", "/metrics.json", "/insights")) {
        outputs.add(path + ": " + call(node, "GET", path, null, jwt).body());
      }
      outputs.add("process command lines: " + commandLines(node));
      outputs.add("debug bundle: " + debugBundle(node));
      assertModes(node.pgdata());

      // Last: a failed reconfiguration leaves the compute Failed until it is stopped (behaviour.md
      // 7).
      r = call(node, "POST", "/configure", spec.role("pg_leak", LEAK_HASH).configureBody(), jwt);
      assertEquals(500, r.statusCode(), r.body());
      outputs.add("a failed reconfiguration: " + r.body());
      outputs.add("/status after it: " + call(node, "GET", "/status", null, jwt).body());
      cc.process().destroy();
      assertEquals(1, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      outputs.add("compute_ctl's log: " + cc.log());
    }
    for (String o : outputs) {
      assertNoSecret(o.substring(0, o.indexOf(':')), o);
    }
    String log = outputs.get(outputs.size() - 1);
    assertTrue(
        log.contains(
            "failed in database postgres at \"create role pg_leak\": ERROR: role name \"pg_leak\""
                + " is reserved"),
        "the log still explains the failure, without the statement's text: " + log);
  }

  /** -s: the spec is in compute_ctl's own arguments, and must be nowhere else. */
  @Test
  void inlineSpec_showsNoSecretOutsideItsOwnArgument() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    SpecBuilder spec =
        fx.spec(node)
            .role("alice", ALICE_HASH)
            .role("bob", BOB_VERIFIER)
            .database("appdb", "alice");
    List<String> outputs = new ArrayList<>();
    try (ComputeCtlProcess cc = fx.start(node, null, List.of("-s", spec.json()), Map.of())) {
      awaitStatus(node, "running");
      for (String path : List.of("/status", "/metrics", "/metrics.json")) {
        outputs.add(path + ": " + call(node, "GET", path, null, "").body());
      }
      String own = Long.toString(cc.process().pid());
      outputs.add(
          "process command lines: "
              + commandLines(node)
                  .lines()
                  .filter(l -> !l.contains("--pgdata " + node.pgdata()) && !l.startsWith(own + " "))
                  .collect(java.util.stream.Collectors.joining("\n")));
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      outputs.add("compute_ctl's log: " + cc.log());
      assertTrue(cc.log().contains("op-e2e"), "the log names the spec by its operation_uuid");
    }
    for (String o : outputs) {
      assertNoSecret(o.substring(0, o.indexOf(':')), o);
    }
  }

  private void awaitStatus(ComputeFixture.Node node, String status) throws Exception {
    long until = System.nanoTime() + 60_000_000_000L;
    String last = "";
    while (System.nanoTime() < until) {
      try {
        last = call(node, "GET", "/status", null, jwt).body();
        if (last.contains("\"status\":\"" + status + "\"")) {
          return;
        }
      } catch (java.io.IOException e) {
        last = e.toString();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("status " + status + " not reached: " + last);
  }

  /** The command lines of compute_ctl and of everything it runs, as ps shows them. */
  private static String commandLines(ComputeFixture.Node node) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (ProcessHandle h : ProcessHandle.allProcesses().toList()) {
      Path cmdline = Path.of("/proc", Long.toString(h.pid()), "cmdline");
      try {
        String c =
            new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
        if (c.contains(node.pgdata().toString())
            || c.startsWith("postgres: ")
            || Orphans.of(node.pgdata()).stream().anyMatch(o -> o.startsWith(h.pid() + ":"))) {
          sb.append(h.pid()).append(' ').append(c).append('\n');
        }
      } catch (java.io.IOException e) {
        // gone meanwhile
      }
    }
    assertTrue(sb.toString().contains("--pgdata " + node.pgdata()), sb.toString());
    return sb.toString();
  }

  /**
   * compute_ctl debug-bundle against the live compute, as the Postgres user; every file of it as
   * text.
   */
  private static String debugBundle(ComputeFixture.Node node) throws Exception {
    Path dir = TestPg.workDir("computectl-bundle-");
    Path bundle = dir.resolve("bundle.tar");
    List<String> cmd =
        RunAs.command(
            TestPg.user(),
            List.of(
                ComputeCtlProcess.launcher().toString(),
                "debug-bundle",
                "--pgdata",
                node.pgdata().toString(),
                "--output",
                bundle.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("COMPUTE_CTL_DEBUG_TOKEN", jwt);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    Path x = Files.createDirectory(dir.resolve("x"));
    Process tar =
        new ProcessBuilder("tar", "-xf", bundle.toString(), "-C", x.toString())
            .redirectErrorStream(true)
            .start();
    tar.getInputStream().readAllBytes();
    assertEquals(0, tar.waitFor());
    StringBuilder all = new StringBuilder(out);
    try (Stream<Path> files = Files.walk(x)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.append("\n--- ")
            .append(x.relativize(f))
            .append('\n')
            .append(Files.readString(f, StandardCharsets.ISO_8859_1));
      }
    }
    assertTrue(
        all.toString().contains("\"status\":\"running\""), "the bundle holds /status: " + all);
    return all.toString();
  }

  /**
   * PGDATA is 0700 as Postgres demands; what compute_ctl wrote there is readable by its owner only.
   */
  private static void assertModes(Path pgdata) throws Exception {
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pgdata)));
    for (String f :
        List.of("postgresql.conf", "pg_hba.conf", "postgresql.auto.conf", "PG_VERSION")) {
      String mode =
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(pgdata.resolve(f), LinkOption.NOFOLLOW_LINKS));
      assertEquals("rw-------", mode, f);
    }
  }
}

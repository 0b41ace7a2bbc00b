package computectl.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.Fixtures;
import computectl.testsupport.ProcessTrees;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's commands from a checkout the Postgres user cannot enter, as a clone in root's home
 * directory (mode 0700 on Debian) is: the tree is copied into such a directory together with this
 * run's build (times kept, so make has nothing to rebuild), and from there {@code make demo} brings
 * its compute to Running and {@code make test} passes an end-to-end class.
 */
@Tag("e2e")
class PrivateCheckout_Test {
  private static final Pattern STATUS_URL =
      Pattern.compile("demo: +status: +curl (http://127\\.0\\.0\\.1:\\d+)/status");
  private static final Pattern SUMMARY =
      Pattern.compile("^(\\d+) passed, (\\d+) failed(, \\d+ skipped)?$", Pattern.MULTILINE);

  private static Path home;
  private static Path checkout;

  @BeforeAll
  static void copyTheTreeIntoAPrivateDirectory() throws Exception {
    Path root = Fixtures.projectRoot();
    Path build =
        Path.of(System.getProperty("computectl.image", "build/image")).toAbsolutePath().getParent();
    home = Files.createTempDirectory("computectl-home-"); // mode 0700, ours
    checkout = home.resolve("checkout");
    Files.createDirectories(checkout.resolve("deps"));
    Files.createDirectories(checkout.resolve("build"));
    List<String> cp = new ArrayList<>(List.of("cp", "-a"));
    for (String part : List.of("Makefile", "build.sh", "src", "test")) {
      cp.add(root.resolve(part).toString());
    }
    cp.add(checkout.toString());
    run(cp);
    run(
        List.of(
            "cp",
            "-a",
            root.resolve("deps/deps.txt").toString(),
            root.resolve("deps/lib").toString(),
            checkout.resolve("deps").toString()));
    // Only what the demo and make test use, without the reports of the run under way.
    List<String> cpBuild = new ArrayList<>(List.of("cp", "-a"));
    for (String part : List.of("build_tag", "classes", "devkit-classes", "test-classes", "image")) {
      cpBuild.add(build.resolve(part).toString());
    }
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(build, "compute_ctl*.jar")) {
      jars.forEach(j -> cpBuild.add(j.toString()));
    }
    cpBuild.add(checkout.resolve("build").toString());
    run(cpBuild);
  }

  @AfterAll
  static void removeTheCopy() throws Exception {
    if (home != null) {
      run(List.of("rm", "-rf", home.toString()));
    }
  }

  @Test
  void theCopyIsOutOfThePostgresUsersReach() {
    Assumptions.assumeTrue(TestPg.user() != null, "skipped: Postgres runs as ourselves");
    assertFalse(ReachableImage.reachable(checkout.resolve("build/image"), TestPg.user()));
  }

  @Test
  void makeDemo_reachesRunningAndExitsZeroOnTerminate() throws Exception {
    Path log = home.resolve("demo.log");
    Process demo = make(List.of("demo"), log);
    try {
      String base = awaitStatusUrl(demo, log);
      HttpClient http = HttpClient.newHttpClient();
      String status = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!status.contains("\"status\":\"running\"") && System.nanoTime() < deadline) {
        assertTrue(demo.isAlive(), "the demo exited before Running:\n" + read(log));
        status = get(http, base + "/status");
        Thread.sleep(200);
      }
      assertTrue(status.contains("\"status\":\"running\""), status + "\n" + read(log));
      http.send(
          HttpRequest.newBuilder(URI.create(base + "/terminate"))
              .POST(HttpRequest.BodyPublishers.noBody())
              .timeout(Duration.ofSeconds(60))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(demo.waitFor(120, TimeUnit.SECONDS), "the demo did not exit:\n" + read(log));
      assertEquals(0, demo.exitValue(), read(log));
      assertTrue(read(log).contains("demo: compute_ctl exited with code 0"), read(log));
    } finally {
      ProcessTrees.stop(demo, 90);
    }
  }

  @Test
  void makeTest_passesAnEndToEndClass() throws Exception {
    Path log = home.resolve("test.log");
    Process test = make(List.of("test", "TESTS=computectl\\.compute\\.ComputeStartup_Test"), log);
    try {
      assertTrue(test.waitFor(600, TimeUnit.SECONDS), "make test did not end:\n" + read(log));
      String out = read(log);
      assertEquals(0, test.exitValue(), out);
      Matcher m = SUMMARY.matcher(out);
      assertTrue(m.find(), out);
      assertTrue(Integer.parseInt(m.group(1)) > 0, out);
      assertEquals("0", m.group(2), out);
    } finally {
      ProcessTrees.stop(test, 90);
    }
  }

  @Test
  void classDataTraining_saysWhyThereIsNoArchive() throws Exception {
    Assumptions.assumeTrue(TestPg.user() != null, "skipped: Postgres runs as ourselves");
    Path log = home.resolve("cds.log");
    Process cds = start(List.of("./build.sh", "cds"), log);
    try {
      assertTrue(cds.waitFor(120, TimeUnit.SECONDS), read(log));
      assertEquals(0, cds.exitValue(), read(log));
      assertTrue(
          read(log).contains("no class-data archive (user " + TestPg.user() + " cannot read "),
          read(log));
      assertFalse(Files.exists(checkout.resolve("build/image/lib/server/app.jsa")));
    } finally {
      ProcessTrees.stop(cds, 90);
    }
  }

  private static Process make(List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("make", "--no-print-directory"));
    cmd.addAll(args);
    return start(cmd, log);
  }

  /** Runs in the copy, with BUILD_DIR its build and none of the outer make's settings. */
  private static Process start(List<String> cmd, Path log) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(checkout.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    for (String name : List.of("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "TESTS", "BUILD_TAG")) {
      env.remove(name);
    }
    env.put("BUILD_DIR", "build");
    return pb.start();
  }

  private static String awaitStatusUrl(Process demo, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      Matcher m = STATUS_URL.matcher(read(log));
      if (m.find()) {
        return m.group(1);
      }
      assertTrue(demo.isAlive(), "the demo exited before printing its URLs:\n" + read(log));
      Thread.sleep(100);
    }
    throw new AssertionError("the demo printed no status URL:\n" + read(log));
  }

  private static String get(HttpClient http, String url) throws InterruptedException {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException notYetListening) {
      return notYetListening.toString();
    }
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
  }
}

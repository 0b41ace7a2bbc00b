package computectl.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.pgwire.ConnInfo;
import computectl.pgwire.WireClient;
import computectl.spec.Lsn;
import computectl.tar.TarEntry;
import computectl.tar.TarReader;
import computectl.testsupport.TestPg;
import computectl.util.ComputeCtlException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class PageserverStandInMain_Test {
  @Test
  void args_parseDefaultsAndErrors() {
    PageserverStandInMain.Args a =
        PageserverStandInMain.Args.parse(new String[] {"--work-dir", "/w", "--password", "t"});
    assertEquals(0, a.port());
    assertEquals(PageserverStandIn.Auth.CLEARTEXT, a.auth());
    assertEquals(
        PageserverStandIn.Auth.TRUST,
        PageserverStandInMain.Args.parse(new String[] {"--work-dir", "/w"}).auth());
    assertEquals(
        PageserverStandIn.Auth.MD5,
        PageserverStandInMain.Args.parse(
                new String[] {"--work-dir", "/w", "--auth", "md5", "--port", "7"})
            .auth());
    assertEquals(
        "the following required argument was not provided: --work-dir <DIR>",
        assertThrows(
                ComputeCtlException.class, () -> PageserverStandInMain.Args.parse(new String[] {}))
            .getMessage());
    assertEquals(
        "invalid value 'x' for '--port': expected a number from 0 to 65535",
        assertThrows(
                ComputeCtlException.class,
                () ->
                    PageserverStandInMain.Args.parse(
                        new String[] {"--work-dir", "/w", "--port", "x"}))
            .getMessage());
    assertEquals(
        "a value is required for '--port <PORT>' but none was supplied",
        assertThrows(
                ComputeCtlException.class,
                () -> PageserverStandInMain.Args.parse(new String[] {"--port"}))
            .getMessage());
  }

  @Tag("e2e")
  @Test
  void main_printsListeningLineAndServesTheBackup() throws Exception {
    Path work = TestPg.workDir("standin-main-");
    String image = System.getProperty("computectl.image");
    ProcessBuilder pb =
        new ProcessBuilder(
            image + "/bin/java",
            "-cp",
            devKitClasses() + ":" + image + "/lib/app/*",
            "computectl.standin.PageserverStandInMain",
            "--port",
            "0",
            "--work-dir",
            work.toString(),
            "--password",
            "tok");
    pb.redirectError(work.resolve("stderr.log").toFile());
    Process p = pb.start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return out.readLine();
                    } catch (java.io.IOException e) {
                      return null;
                    }
                  })
              .get(180, TimeUnit.SECONDS);
      Matcher m =
          Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) lsn (\\S+)")
              .matcher(String.valueOf(line));
      assertTrue(m.matches(), line + "\n" + Files.readString(work.resolve("stderr.log")));
      assertTrue(Lsn.parse(m.group(2)).value() > 0);
      ConnInfo info = ConnInfo.parse("postgresql://no_user@127.0.0.1:" + m.group(1));
      Set<String> paths = new HashSet<>();
      try (WireClient c =
          WireClient.connect(
              info, "tok", Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(30))) {
        TarReader r =
            new TarReader(
                new GZIPInputStream(
                    c.copyOut(
                        "basebackup 0123456789abcdef0123456789abcdef"
                            + " fedcba9876543210fedcba9876543210 "
                            + m.group(2)
                            + " --gzip")));
        TarEntry e;
        while ((e = r.next()) != null) {
          paths.add(e.path());
        }
        r.drain();
      }
      assertTrue(
          paths.contains("PG_VERSION") && paths.contains("global/pg_control"), paths.toString());
    } finally {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /**
   * Where the dev kit's classes were loaded from: the stand-in runs on the image's java with them.
   */
  private static String devKitClasses() throws java.net.URISyntaxException {
    return Path.of(
            PageserverStandInMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
  }
}

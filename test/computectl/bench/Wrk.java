package computectl.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code wrk} (Debian's package) when it is on the PATH: 2 threads, N keep-alive connections. */
final class Wrk {
  private Wrk() {}

  static boolean installed() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, "wrk").canExecute()) {
        return true;
      }
    }
    return false;
  }

  static LoadResult run(int port, String path, int connections, int seconds)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                List.of(
                    "wrk",
                    "-t2",
                    "-c" + connections,
                    "-d" + seconds + "s",
                    "--latency",
                    "http://127.0.0.1:" + port + path))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("wrk failed:\n" + out);
    }
    return parse(out, String.format(Locale.ROOT, "wrk -t2 -c%d", connections));
  }

  /**
   * Reads wrk's report (run with --latency): req/s, the 99% line, request count, every error count.
   */
  static LoadResult parse(String out, String tool) throws IOException {
    double rps = Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)"));
    long requests = Long.parseLong(find(out, "(\\d+) requests in"));
    Matcher m = Pattern.compile("99%\\s+([0-9.]+)(us|ms|s)").matcher(out);
    if (!m.find()) {
      throw new IOException("no 99th percentile in wrk's output:\n" + out);
    }
    double p99 =
        Double.parseDouble(m.group(1))
            * switch (m.group(2)) {
              case "us" -> 0.001;
              case "ms" -> 1.0;
              default -> 1000.0;
            };
    long errors = 0;
    Matcher sock =
        Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
            .matcher(out);
    if (sock.find()) {
      for (int g = 1; g <= 4; g++) {
        errors += Long.parseLong(sock.group(g));
      }
    }
    Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
    if (non2xx.find()) {
      errors += Long.parseLong(non2xx.group(1));
    }
    return new LoadResult(rps, p99, requests, errors, tool);
  }

  private static String find(String text, String regex) throws IOException {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IOException("unexpected wrk output (no " + regex + "):\n" + text);
    }
    return m.group(1);
  }
}

package computectl.http;

import computectl.util.ChildProcesses;
import computectl.util.Log;
import computectl.util.NamedThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /database_schema?database=<name>}: streams {@code pg_dump --schema-only}. The response
 * starts with pg_dump's first output (labelled application/json, as upstream does, although it is
 * SQL); pg_dump is killed when the client goes away.
 */
final class DatabaseSchemaHandler implements RouteHandler {
  /** Upstream's answer when the connection string lacks what pg_dump needs. */
  private static final String IO_ERROR = "unexpected I/O error";

  /** Upstream's answer when pg_dump cannot be run or prints nothing. */
  private static final String PG_DUMP_FAILED = "failed to execute pg_dump";

  private final Path pgbin;
  private final PgDumpTarget target;
  private final ChildProcesses children;

  DatabaseSchemaHandler(Path pgbin, PgDumpTarget target, ChildProcesses children) {
    this.pgbin = pgbin;
    this.target = target;
    this.children = children;
  }

  @Override
  public void handle(ApiRequest request) throws IOException, InterruptedException {
    String database = request.query().get("database");
    if (database == null) {
      throw new ApiError(400, "failed to deserialize query string: missing field `database`");
    }
    if (target.port() == null) {
      Log.error("--connstr has no port, pg_dump cannot be pointed at Postgres");
      throw new ApiError(500, IO_ERROR);
    }
    Process p = start(database);
    List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    Thread stderrLogger = logStderr(p, stderr);
    try (InputStream out = p.getInputStream()) {
      byte[] buf = new byte[64 * 1024];
      int n = out.read(buf);
      if (n < 0) {
        p.waitFor(30, TimeUnit.SECONDS);
        stderrLogger.join(5_000);
        String first = stderr.isEmpty() ? "" : stderr.get(0);
        if (first.contains("FATAL:  database \"" + database + "\" does not exist")) {
          throw new ApiError(404, "database does not exist");
        }
        throw new ApiError(500, PG_DUMP_FAILED);
      }
      stream(request, out, buf, n, p);
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  private Process start(String database) {
    Path pgDump = pgbin.resolveSibling("pg_dump");
    ProcessBuilder pb =
        new ProcessBuilder(
            pgDump.toString(),
            "--host",
            target.host(),
            "--port",
            Integer.toString(target.port()),
            "--username",
            target.user(),
            "--schema-only");
    pb.environment().put("PGDATABASE", database);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return children.register("pg_dump", p);
    } catch (IOException e) {
      Log.error("could not start " + pgDump + ": " + e.getMessage());
      throw new ApiError(500, PG_DUMP_FAILED, e);
    }
  }

  /** Copies pg_dump's output to the client; a failed write means the client left. */
  private static void stream(ApiRequest request, InputStream out, byte[] buf, int first, Process p)
      throws IOException {
    OutputStream body = request.startStream(200, "application/json");
    int n = first;
    try (body) {
      while (n >= 0) {
        body.write(buf, 0, n);
        body.flush();
        n = out.read(buf);
      }
    } catch (IOException e) {
      Log.warn("request " + request.requestId() + ": client went away, killing pg_dump " + p.pid());
      p.destroyForcibly();
    }
  }

  private static Thread logStderr(Process p, List<String> lines) {
    Thread t =
        NamedThreads.start(
            "pg_dump-stderr-" + p.pid(),
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                  Log.warn("pg_dump stderr: " + line);
                }
              } catch (IOException e) {
                Log.debug("pg_dump stderr closed: " + e.getMessage());
              }
            });
    return t;
  }
}

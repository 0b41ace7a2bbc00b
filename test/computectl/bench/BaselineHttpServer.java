package computectl.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP baseline: the JDK server compute_ctl uses, configured the same way (16 handler threads,
 * a bounded queue), answering each path with fixed bytes of the size compute_ctl answers. Run with
 * the runtime image's java and the launcher's flags, it is the floor our handlers add to.
 * Arguments: {@code port path=file ...}; prints {@code ready} once listening.
 */
public final class BaselineHttpServer {
  private BaselineHttpServer() {}

  public static void main(String[] args) throws IOException {
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getByName("::"), Integer.parseInt(args[0])), 128);
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      byte[] body = Files.readAllBytes(Path.of(args[i].substring(eq + 1)));
      String contentType =
          args[i].startsWith("/metrics=") ? "text/plain; version=0.0.4" : "application/json";
      server.createContext(
          args[i].substring(0, eq),
          exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
    }
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            16,
            16,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1024),
            r -> {
              Thread t = new Thread(r, "baseline-http");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    server.setExecutor(pool);
    server.start();
    System.out.println("ready");
    System.out.flush();
  }
}

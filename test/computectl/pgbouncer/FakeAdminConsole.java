package computectl.pgbouncer;

import computectl.pgwire.MessageBuilder;
import computectl.pgwire.ServerNotice;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for pgbouncer's admin console over TCP or a Unix-domain socket: accepts the startup
 * packet (optionally demanding a cleartext password), records startup parameters and queries,
 * answers every query with CommandComplete, or with an error for {@link #failQuery}.
 */
final class FakeAdminConsole implements AutoCloseable {
  private final ServerSocket tcp;
  private final ServerSocketChannel unix;
  private final Path socketFile;
  private final Thread acceptor;
  private final List<Map<String, String>> startups = new CopyOnWriteArrayList<>();
  private final List<String> queries = new CopyOnWriteArrayList<>();
  private volatile String password;
  private volatile String failQuery;

  private FakeAdminConsole(ServerSocket tcp, ServerSocketChannel unix, Path socketFile) {
    this.tcp = tcp;
    this.unix = unix;
    this.socketFile = socketFile;
    this.acceptor = new Thread(this::acceptLoop, "fake-pgbouncer-accept");
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  static FakeAdminConsole tcp(int port) throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return new FakeAdminConsole(ss, null, null);
  }

  /** Listens on {@code <dir>/.s.PGSQL.<port>}, as libpq names sockets. */
  static FakeAdminConsole unix(Path dir, int port) throws IOException {
    Path file = dir.resolve(".s.PGSQL." + port);
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    ch.bind(UnixDomainSocketAddress.of(file));
    return new FakeAdminConsole(null, ch, file);
  }

  int port() {
    return tcp.getLocalPort();
  }

  FakeAdminConsole requirePassword(String value) {
    this.password = value;
    return this;
  }

  FakeAdminConsole failQuery(String query) {
    this.failQuery = query;
    return this;
  }

  List<Map<String, String>> startups() {
    return List.copyOf(startups);
  }

  List<String> queries() {
    return List.copyOf(queries);
  }

  private void acceptLoop() {
    while (true) {
      try {
        if (tcp != null) {
          Socket s = tcp.accept();
          serveInThread(s.getInputStream(), s.getOutputStream(), s);
        } else {
          SocketChannel c = unix.accept();
          serveInThread(Channels.newInputStream(c), Channels.newOutputStream(c), c);
        }
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serveInThread(InputStream in, OutputStream out, AutoCloseable conn) {
    Thread t =
        new Thread(
            () -> {
              try {
                serve(new DataInputStream(in), out);
              } catch (IOException e) {
                // the client went away
              } finally {
                closeQuietly(conn);
              }
            },
            "fake-pgbouncer-conn");
    t.setDaemon(true);
    t.start();
  }

  private void serve(DataInputStream in, OutputStream out) throws IOException {
    byte[] startup = new byte[in.readInt() - 4];
    in.readFully(startup);
    startups.add(params(startup));
    if (password != null) {
      send(out, 'R', new MessageBuilder().int32(3).toBytes());
      int type = in.read();
      byte[] body = new byte[in.readInt() - 4];
      in.readFully(body);
      String given = new String(body, 0, body.length - 1, StandardCharsets.UTF_8);
      if (type != 'p' || !given.equals(password)) {
        send(out, 'E', ServerNotice.encode("FATAL", "28P01", "password authentication failed"));
        return;
      }
    }
    send(out, 'R', new MessageBuilder().int32(0).toBytes());
    send(
        out,
        'S',
        new MessageBuilder().cstring("server_version").cstring("1.22.1/bouncer").toBytes());
    send(out, 'Z', new byte[] {'I'});
    while (true) {
      int type = in.read();
      if (type < 0 || type == 'X') {
        return;
      }
      byte[] body = new byte[in.readInt() - 4];
      in.readFully(body);
      String query = new String(body, 0, body.length - 1, StandardCharsets.UTF_8);
      queries.add(query);
      if (query.equals(failQuery)) {
        send(out, 'E', ServerNotice.encode("ERROR", "08P01", "reload failed as configured"));
      } else {
        send(out, 'C', new MessageBuilder().cstring(query).toBytes());
      }
      send(out, 'Z', new byte[] {'I'});
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // already closed
    }
  }

  private static Map<String, String> params(byte[] startup) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> parts = new ArrayList<>();
    int start = 4;
    for (int i = 4; i < startup.length; i++) {
      if (startup[i] == 0) {
        parts.add(new String(startup, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    for (int i = 0; i + 1 < parts.size(); i += 2) {
      out.put(parts.get(i), parts.get(i + 1));
    }
    return out;
  }

  private static void send(OutputStream out, char type, byte[] body) throws IOException {
    out.write(new MessageBuilder().byte1(type).int32(body.length + 4).bytes(body).toBytes());
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (tcp != null) {
      tcp.close();
    } else {
      unix.close();
      Files.deleteIfExists(socketFile);
    }
  }
}

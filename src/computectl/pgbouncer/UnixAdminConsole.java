package computectl.pgbouncer;

import computectl.pgwire.ConnInfo;
import computectl.pgwire.Md5Password;
import computectl.pgwire.MessageBuilder;
import computectl.pgwire.MessageReader;
import computectl.pgwire.ServerNotice;
import computectl.pgwire.WireException;
import computectl.util.Log;
import computectl.util.NamedThreads;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The admin console over a Unix-domain socket ({@code <host>/.s.PGSQL.<port>}, libpq's naming):
 * startup, trust / cleartext / MD5 authentication (pgbouncer admits its own OS user on the socket
 * without a password), and simple queries whose results are discarded. A watchdog closes the socket
 * when a read takes longer than the timeout, since socket channels have no read timeout of their
 * own.
 */
final class UnixAdminConsole implements AdminConsole {
  private static final int PROTOCOL_3 = 196608;

  private final SocketChannel channel;
  private final DataInputStream in;
  private final OutputStream out;
  private final Duration readTimeout;
  private final String where;
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          r -> NamedThreads.daemon("pgbouncer-admin-watchdog", r));

  private UnixAdminConsole(SocketChannel channel, Duration readTimeout, String where) {
    this.channel = channel;
    this.in = new DataInputStream(Channels.newInputStream(channel));
    this.out = Channels.newOutputStream(channel);
    this.readTimeout = readTimeout;
    this.where = where;
  }

  static Path socketPath(ConnInfo info) {
    return Path.of(info.connectHost(), ".s.PGSQL." + info.port());
  }

  static UnixAdminConsole connect(ConnInfo info, Duration readTimeout) {
    Path socket = socketPath(info);
    SocketChannel ch;
    try {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    } catch (IOException e) {
      throw new WireException("cannot open a Unix-domain socket: " + e.getMessage(), e);
    }
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      try {
        ch.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new WireException("could not connect to " + socket + ": " + e.getMessage(), e);
    }
    UnixAdminConsole c = new UnixAdminConsole(ch, readTimeout, socket.toString());
    try {
      c.startup(info);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void startup(ConnInfo info) {
    String user = info.user() != null ? info.user() : System.getProperty("user.name", "postgres");
    MessageBuilder b = new MessageBuilder().int32(PROTOCOL_3).cstring("user").cstring(user);
    if (info.dbname() != null) {
      b.cstring("database").cstring(info.dbname());
    }
    byte[] body = b.byte1(0).toBytes();
    send(new MessageBuilder().int32(body.length + 4).bytes(body).toBytes());
    awaitReady(user, info.password());
  }

  @Override
  public void run(String command) {
    byte[] body = new MessageBuilder().cstring(command).toBytes();
    send(new MessageBuilder().byte1('Q').int32(body.length + 4).bytes(body).toBytes());
    awaitReady(null, null);
  }

  /**
   * Reads until ReadyForQuery, answering authentication requests; the first error is thrown after
   * it.
   */
  private void awaitReady(String user, String password) {
    WireException error = null;
    while (true) {
      int type = readByte();
      byte[] body = readBody();
      switch (type) {
        case 'R' -> authenticate(new MessageReader(body, "authentication request"), user, password);
        case 'E' ->
            error = error != null ? error : WireException.fromServer(ServerNotice.parse(body));
        case 'Z' -> {
          if (error != null) {
            throw error;
          }
          return;
        }
        case 'N' -> Log.info("pgbouncer: " + ServerNotice.parse(body).message());
        default -> {} // ParameterStatus, BackendKeyData, row data and command tags are not needed
      }
      if (error != null && user != null) {
        throw error; // during startup the server closes the connection after an error
      }
    }
  }

  private void authenticate(MessageReader r, String user, String password) {
    int code = r.int32();
    if (code == 0) {
      return;
    }
    if ((code == 3 || code == 5) && password == null) {
      throw new WireException(where + " asks for a password, and none was given");
    }
    String answer =
        switch (code) {
          case 3 -> password;
          case 5 -> Md5Password.response(user, password, r.bytes(4));
          default ->
              throw new WireException(
                  where
                      + " asks for authentication method "
                      + code
                      + ", which the admin console client does not support on Unix sockets");
        };
    byte[] body = new MessageBuilder().cstring(answer).toBytes();
    send(new MessageBuilder().byte1('p').int32(body.length + 4).bytes(body).toBytes());
  }

  private void send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new WireException("error talking to " + where + ": " + e.getMessage(), e);
    }
  }

  private int readByte() {
    return withTimeout(
        () -> {
          int b = in.read();
          if (b < 0) {
            throw new IOException("server closed the connection");
          }
          return b;
        });
  }

  private byte[] readBody() {
    return withTimeout(
        () -> {
          int len = in.readInt();
          if (len < 4 || len > (1 << 20)) {
            throw new IOException("bad message length " + len);
          }
          byte[] body = new byte[len - 4];
          in.readFully(body);
          return body;
        });
  }

  private interface Read<T> {
    T read() throws IOException;
  }

  private <T> T withTimeout(Read<T> read) {
    ScheduledFuture<?> timer =
        watchdog.schedule(this::closeChannel, readTimeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return read.read();
    } catch (IOException e) {
      String why =
          timer.isDone() ? "no answer within " + readTimeout.toSeconds() + " s" : e.getMessage();
      throw new WireException("error talking to " + where + ": " + why, e);
    } finally {
      timer.cancel(false);
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    closeChannel();
  }

  private void closeChannel() {
    try {
      channel.close();
    } catch (IOException e) {
      Log.debug("closing " + where + " failed: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "pgbouncer admin console at " + where;
  }
}

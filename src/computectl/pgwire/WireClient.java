package computectl.pgwire;

import computectl.util.Log;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A minimal PostgreSQL v3 protocol client over plain TCP (no TLS): trust, cleartext, MD5 and
 * SCRAM-SHA-256 authentication; simple queries with text results; COPY OUT as a stream. Enough for
 * the pageserver (basebackup, LSN leases) and the safekeepers (TIMELINE_STATUS), which speak the
 * protocol but are not Postgres. Not thread-safe; one query at a time.
 */
public final class WireClient implements AutoCloseable {
  private final MessageStream stream;
  private final String peer;
  private boolean broken;

  private WireClient(MessageStream stream) {
    this.stream = stream;
    this.peer = stream.peer();
  }

  /**
   * Connects and authenticates. {@code passwordOverride} (when not null) replaces the string's
   * password; {@code startupParams} are sent after and override the string's own (options,
   * application_name, ...). {@code readTimeout} bounds every read (zero or null: none).
   */
  public static WireClient connect(
      ConnInfo info,
      String passwordOverride,
      Map<String, String> startupParams,
      Duration connectTimeout,
      Duration readTimeout) {
    if (info.isUnixSocket()) {
      throw new WireException(
          "Unix-domain socket host \""
              + info.connectHost()
              + "\" is not supported; use a TCP host");
    }
    Socket socket = Connector.openSocket(info, connectTimeout);
    WireClient c = null;
    try {
      MessageStream s = new MessageStream(socket, info.address());
      s.setReadTimeoutMillis(readTimeout == null ? 0 : readTimeout.toMillis());
      s.setAcceptedTypes(MessageStream.BACKEND_TYPES);
      c = new WireClient(s);
      String user = info.user() != null ? info.user() : System.getProperty("user.name", "postgres");
      String password = passwordOverride != null ? passwordOverride : info.password();
      s.writeUntyped(Connector.startupPacket(info, user, startupParams));
      s.flush();
      new ClientAuth(s, user, password).run();
      c.readUntilReady("startup");
      return c;
    } catch (IOException e) {
      closeQuietly(socket);
      throw new WireException("error talking to " + info.address() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  /** host:port of the server. */
  public String peer() {
    return peer;
  }

  /** Replaces the per-read timeout (zero: none). */
  public void setReadTimeout(Duration timeout) {
    stream.setReadTimeoutMillis(timeout.toMillis());
  }

  /** An absolute limit for all further reads, on top of the per-read timeout. */
  public void setDeadlineNanos(long nanoTime) {
    stream.setDeadlineNanos(nanoTime);
  }

  /**
   * Runs a simple query; one result per statement that completed. An ErrorResponse is thrown after
   * ReadyForQuery.
   */
  public List<QueryResult> simpleQuery(String sql) {
    sendQuery(sql);
    List<QueryResult> results = new ArrayList<>();
    List<String> columns = null;
    List<List<String>> rows = new ArrayList<>();
    WireException error = null;
    try {
      while (true) {
        Message m = stream.read();
        switch (m.type()) {
          case 'T' -> {
            columns = rowDescription(m);
            rows = new ArrayList<>();
          }
          case 'D' -> rows.add(dataRow(m, columns));
          case 'C' -> {
            results.add(
                new QueryResult(columns == null ? List.of() : columns, rows, m.reader().cstring()));
            columns = null;
            rows = new ArrayList<>();
          }
          case 'I' -> {}
          case 'E' -> error = WireException.fromServer(ServerNotice.parse(m.body()));
          case 'G', 'W' -> refuseCopyIn();
          case 'Z' -> {
            if (error != null) {
              throw error;
            }
            return results;
          }
          default -> handleOther(m, "a query");
        }
      }
    } catch (WireException e) {
      if (!e.fromServer()) {
        markBroken();
      }
      throw e;
    }
  }

  /** Sends a query that answers with COPY OUT (simple protocol) and returns its data stream. */
  public CopyOutStream copyOut(String query) {
    sendQuery(query);
    return awaitCopyOut();
  }

  private CopyOutStream awaitCopyOut() {
    try {
      while (true) {
        Message m = stream.read();
        switch (m.type()) {
          case 'H' -> {
            return new CopyOutStream(this, stream);
          }
          case '2' -> {}
          case 'E' -> {
            WireException error = WireException.fromServer(ServerNotice.parse(m.body()));
            readUntilReady("an error");
            throw error;
          }
          case 'T', 'D', 'C', 'I', 'Z' -> {
            markBroken();
            throw new WireException(
                "query to "
                    + peer
                    + " did not start COPY OUT (got "
                    + MessageStream.describe(m.type())
                    + ")");
          }
          default -> handleOther(m, "waiting for COPY OUT");
        }
      }
    } catch (WireException e) {
      if (!e.fromServer()) {
        markBroken();
      }
      throw e;
    }
  }

  /**
   * The error to throw for an ErrorResponse inside COPY: read on to ReadyForQuery if it comes soon.
   */
  WireException serverErrorDuringCopy(ServerNotice notice) {
    WireException error = WireException.fromServer(notice);
    try {
      readUntilReady("an error");
    } catch (WireException e) {
      markBroken();
    }
    return error;
  }

  private void readUntilReady(String phase) {
    while (true) {
      Message m = stream.read();
      switch (m.type()) {
        case 'K' -> {}
        case 'Z' -> {
          return;
        }
        case 'E' -> throw WireException.fromServer(ServerNotice.parse(m.body()));
        default -> handleOther(m, phase);
      }
    }
  }

  /**
   * Messages allowed at any time: notices, parameter changes, notifications. Anything else is an
   * error.
   */
  private void handleOther(Message m, String phase) {
    switch (m.type()) {
      case 'N' -> logNotice(peer, ServerNotice.parse(m.body()));
      case 'S', 'A' -> {} // parameter changes and notifications need no answer
      default -> {
        markBroken();
        throw new WireException(
            "unexpected message "
                + MessageStream.describe(m.type())
                + " from "
                + peer
                + " during "
                + phase);
      }
    }
  }

  static void logNotice(String peer, ServerNotice n) {
    Log.info("notice from " + peer + ": " + n.severity() + ": " + n.message());
  }

  private void refuseCopyIn() {
    try {
      stream.write(
          'f',
          new MessageBuilder()
              .cstring("COPY FROM STDIN is not supported by this client")
              .toBytes());
      stream.flush();
    } catch (IOException e) {
      markBroken();
      throw new WireException("error writing to " + peer + ": " + e.getMessage(), e);
    }
  }

  private static List<String> rowDescription(Message m) {
    MessageReader r = m.reader();
    int n = r.int16();
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(r.cstring());
      r.bytes(18);
    }
    return names;
  }

  private List<String> dataRow(Message m, List<String> columns) {
    if (columns == null) {
      markBroken();
      throw new WireException("server " + peer + " sent a DataRow without a RowDescription");
    }
    MessageReader r = m.reader();
    int n = r.int16();
    if (n != columns.size()) {
      markBroken();
      throw new WireException(
          "server "
              + peer
              + " sent a DataRow with "
              + n
              + " values for "
              + columns.size()
              + " columns");
    }
    List<String> row = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = r.int32();
      row.add(len < 0 ? null : new String(r.bytes(len), java.nio.charset.StandardCharsets.UTF_8));
    }
    return row;
  }

  private void sendQuery(String sql) {
    checkUsable();
    try {
      stream.write('Q', new MessageBuilder().cstring(sql).toBytes());
      stream.flush();
    } catch (IOException e) {
      markBroken();
      throw new WireException("error writing to " + peer + ": " + e.getMessage(), e);
    }
  }

  private void checkUsable() {
    if (broken) {
      throw new WireException(
          "connection to " + peer + " is no longer usable after an earlier error");
    }
  }

  void markBroken() {
    broken = true;
    closeQuietly(stream);
  }

  /** Sends Terminate when the connection is healthy, then closes the socket. */
  @Override
  public void close() {
    if (!broken) {
      try {
        stream.write('X', new byte[0]);
        stream.flush();
      } catch (IOException e) {
        Log.debug("could not send Terminate to " + peer + ": " + e.getMessage());
      }
    }
    broken = true;
    closeQuietly(stream);
  }

  static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      Log.debug("close failed: " + e.getMessage());
    }
  }
}

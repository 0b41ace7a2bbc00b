package computectl.standin;

import computectl.pgwire.Message;
import computectl.pgwire.MessageBuilder;
import computectl.pgwire.MessageReader;
import computectl.pgwire.MessageStream;
import computectl.pgwire.ServerNotice;
import computectl.pgwire.WireException;
import computectl.util.Log;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One client connection to the stand-in: startup, authentication, then simple and extended queries.
 */
final class StandInSession implements Runnable {
  private static final int PROTOCOL_3 = 196608;
  private static final int SSL_REQUEST = 80877103;
  private static final int GSS_REQUEST = 80877104;

  private final PageserverStandIn server;
  private final Socket socket;
  private final StandInFault fault;
  private final Map<String, String> params = new LinkedHashMap<>();
  private final List<String> queries = new ArrayList<>();
  private final Map<String, String> statements = new HashMap<>();
  private final Map<String, String> portals = new HashMap<>();
  private MessageStream stream;
  private String password;
  private boolean authenticated;
  private boolean skipToSync;

  StandInSession(PageserverStandIn server, Socket socket, StandInFault fault) {
    this.server = server;
    this.socket = socket;
    this.fault = fault;
  }

  synchronized StandInConnection snapshot() {
    return new StandInConnection(params, password, authenticated, queries);
  }

  void closeSocket() {
    try {
      socket.close();
    } catch (IOException e) {
      Log.debug("stand-in: close failed: " + e.getMessage());
    }
  }

  @Override
  public void run() {
    try {
      if (fault != null && fault.kind() == StandInFault.Kind.CLOSE_ON_ACCEPT) {
        return;
      }
      stream = new MessageStream(socket, socket.getRemoteSocketAddress().toString());
      stream.setAcceptedTypes(MessageStream.FRONTEND_TYPES);
      if (startup() && authenticate()) {
        serve();
      }
    } catch (WireException | IOException e) {
      Log.debug("stand-in connection ended: " + e.getMessage());
    } catch (StreamAbort e) {
      Log.debug("stand-in connection aborted by fault " + fault);
    } catch (RuntimeException e) {
      Log.warn("stand-in connection failed: " + e);
    } finally {
      closeSocket();
    }
  }

  private boolean startup() throws IOException {
    while (true) {
      MessageReader r = new MessageReader(stream.readStartupPacket(10_000), "startup");
      int code = r.int32();
      if (code == SSL_REQUEST || code == GSS_REQUEST) {
        stream.writeRaw(new byte[] {'N'}, 0, 1);
        stream.flush();
        continue;
      }
      if (code != PROTOCOL_3) {
        return false;
      }
      synchronized (this) {
        while (r.remaining() > 1) {
          String key = r.cstring();
          params.put(key, r.cstring());
        }
      }
      return true;
    }
  }

  private boolean authenticate() throws IOException {
    boolean tamper = fault != null && fault.kind() == StandInFault.Kind.BAD_SCRAM_SIGNATURE;
    ServerAuth.Result result =
        new ServerAuth(stream, server.authMethod(), server.authPassword(), tamper)
            .run(params.getOrDefault("user", ""));
    synchronized (this) {
      password = result.cleartext();
      authenticated = result.ok();
    }
    if (!result.ok()) {
      return false;
    }
    stream.write('R', new MessageBuilder().int32(0).toBytes());
    parameterStatus("server_version", "15.0");
    parameterStatus("server_encoding", "UTF8");
    parameterStatus("client_encoding", "UTF8");
    parameterStatus("DateStyle", "ISO, MDY");
    parameterStatus("integer_datetimes", "on");
    parameterStatus("standard_conforming_strings", "on");
    parameterStatus("TimeZone", "UTC");
    parameterStatus("application_name", params.getOrDefault("application_name", ""));
    stream.write(
        'K',
        new MessageBuilder()
            .int32((int) ProcessHandle.current().pid())
            .int32(socket.getPort())
            .toBytes());
    readyForQuery();
    return true;
  }

  private void parameterStatus(String name, String value) throws IOException {
    stream.write('S', new MessageBuilder().cstring(name).cstring(value).toBytes());
  }

  private void readyForQuery() throws IOException {
    stream.write('Z', new byte[] {'I'});
    stream.flush();
  }

  private void serve() throws IOException {
    while (true) {
      Message m = stream.read();
      if (skipToSync && m.type() != 'S' && m.type() != 'X') {
        continue;
      }
      MessageReader r = m.reader();
      switch (m.type()) {
        case 'Q' -> simpleQuery(r.cstring());
        case 'P' -> parse(r);
        case 'B' -> bind(r);
        case 'D' -> describe(r);
        case 'E' -> execute(r);
        case 'C' -> stream.write('3', new byte[0]);
        case 'H' -> stream.flush();
        case 'S' -> {
          skipToSync = false;
          readyForQuery();
        }
        case 'X' -> {
          return;
        }
        case 'd', 'c', 'f' -> {}
        default -> error("08P01", "unsupported message " + MessageStream.describe(m.type()));
      }
    }
  }

  private void simpleQuery(String query) throws IOException {
    record(query);
    StandInQuery q = StandInQuery.parse(query);
    if (q.kind() == StandInQuery.Kind.EMPTY) {
      stream.write('I', new byte[0]);
    } else {
      runQuery(q, true);
    }
    skipToSync = false;
    readyForQuery();
  }

  private void parse(MessageReader r) throws IOException {
    String name = r.cstring();
    String query = r.cstring();
    statements.put(name, query);
    record(query);
    stream.write('1', new byte[0]);
  }

  private void bind(MessageReader r) throws IOException {
    String portal = r.cstring();
    String statement = r.cstring();
    if (!statements.containsKey(statement)) {
      error("26000", "prepared statement \"" + statement + "\" does not exist");
      return;
    }
    portals.put(portal, statements.get(statement));
    stream.write('2', new byte[0]);
  }

  private void describe(MessageReader r) throws IOException {
    char kind = (char) r.byte1();
    String name = r.cstring();
    String query = kind == 'S' ? statements.get(name) : portals.get(name);
    if (query == null) {
      error(
          "26000",
          (kind == 'S' ? "prepared statement" : "portal") + " \"" + name + "\" does not exist");
      return;
    }
    if (kind == 'S') {
      stream.write('t', new MessageBuilder().int16(0).toBytes());
    }
    List<String> columns = StandInQuery.parse(query).columns();
    if (columns.isEmpty()) {
      stream.write('n', new byte[0]);
    } else {
      rowDescription(columns);
    }
  }

  private void execute(MessageReader r) throws IOException {
    String query = portals.get(r.cstring());
    if (query == null) {
      error("34000", "portal does not exist");
      return;
    }
    StandInQuery q = StandInQuery.parse(query);
    if (q.kind() == StandInQuery.Kind.EMPTY) {
      stream.write('I', new byte[0]);
    } else {
      runQuery(q, false);
    }
  }

  private synchronized void record(String query) {
    queries.add(query);
    server.logQuery(query);
  }

  /** Sends an ErrorResponse; in the extended protocol everything up to Sync is then skipped. */
  private void error(String sqlState, String message) throws IOException {
    stream.write('E', ServerNotice.encode("ERROR", sqlState, message));
    stream.flush();
    skipToSync = true;
  }

  private void runQuery(StandInQuery q, boolean withRowDescription) throws IOException {
    server.delayQuery();
    if (fault != null && fault.kind() == StandInFault.Kind.ERROR_AT_QUERY) {
      error("XX000", StandInFault.ERROR_TEXT);
      return;
    }
    switch (q.kind()) {
      case BASEBACKUP -> basebackup(q);
      case TIMELINE_STATUS ->
          rows(q, withRowDescription, server.timelineStatusRow(), "TIMELINE_STATUS");
      case SET -> stream.write('C', new MessageBuilder().cstring("SET").toBytes());
      case LEASE ->
          rows(
              q,
              withRowDescription,
              java.util.Collections.singletonList(server.leaseValidUntilText()),
              "SELECT 1");
      default -> error("42601", q.error());
    }
  }

  private void rows(StandInQuery q, boolean withRowDescription, List<String> row, String tag)
      throws IOException {
    if (withRowDescription) {
      rowDescription(q.columns());
    }
    if (row != null) {
      MessageBuilder b = new MessageBuilder().int16(row.size());
      for (String v : row) {
        b.lengthPrefixed(v == null ? null : v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      stream.write('D', b.toBytes());
    }
    stream.write('C', new MessageBuilder().cstring(tag).toBytes());
  }

  private void rowDescription(List<String> columns) throws IOException {
    MessageBuilder b = new MessageBuilder().int16(columns.size());
    for (String c : columns) {
      b.cstring(c).int32(0).int16(0).int32(25).int16(-1).int32(-1).int16(0);
    }
    stream.write('T', b.toBytes());
  }

  private void basebackup(StandInQuery q) throws IOException {
    byte[] data = server.archive(q.gzip());
    if (data == null) {
      error("XX000", "the stand-in has no basebackup to serve");
      return;
    }
    stream.write('H', new MessageBuilder().byte1(0).int16(0).toBytes());
    boolean midStream = fault != null && fault.midStream();
    int limit = midStream ? (int) Math.min(fault.afterBytes(), data.length) : data.length;
    for (int pos = 0; pos < limit; pos += PageserverStandIn.CHUNK_SIZE) {
      stream.writeCopyData(data, pos, Math.min(PageserverStandIn.CHUNK_SIZE, limit - pos));
    }
    stream.flush();
    if (midStream) {
      strike();
      return;
    }
    stream.write('c', new byte[0]);
    stream.write('C', new MessageBuilder().cstring("SELECT 1").toBytes());
  }

  private void strike() throws IOException {
    switch (fault.kind()) {
      case ERROR_MID_STREAM -> error("XX000", StandInFault.ERROR_TEXT);
      case STALL_MID_STREAM -> {
        server.awaitClose();
        throw new StreamAbort();
      }
      case GARBAGE_MID_STREAM -> {
        byte[] garbage = {
          0, 0x7F, (byte) 0xFF, (byte) 0xFE, 'g', 'a', 'r', 'b', 'a', 'g', 'e', 0, 0, 0, 0
        };
        stream.writeRaw(garbage, 0, garbage.length);
        stream.flush();
        throw new StreamAbort();
      }
      default -> throw new StreamAbort();
    }
  }

  /** Ends the session at once (the socket is closed in run()). */
  private static final class StreamAbort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StreamAbort() {
      super(null, null, false, false);
    }
  }
}

package computectl.fuzz;

import computectl.pgwire.ConnInfo;
import computectl.pgwire.CopyOutStream;
import computectl.pgwire.MessageBuilder;
import computectl.pgwire.ServerNotice;
import computectl.pgwire.WireClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The Postgres wire client against {@link ScriptedPgServer} answering with mutated message
 * sequences: startup and authentication (trust, cleartext, MD5, SCRAM), a simple query with rows,
 * and a COPY OUT like the basebackup's, with notices, parameter changes and errors in between. Each
 * case connects, runs {@code TIMELINE_STATUS} and then reads a COPY stream to its end.
 */
public final class WireClientTarget implements FuzzTarget {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final ScriptedPgServer server;
  private final List<byte[]> corpus = new ArrayList<>();

  public WireClientTarget() throws IOException {
    server = new ScriptedPgServer();
    byte[] ready =
        concat(
            msg('S', new MessageBuilder().cstring("server_version").cstring("15.0").toBytes()),
            msg('K', new MessageBuilder().int32(42).int32(7).toBytes()),
            msg('Z', new byte[] {'I'}));
    byte[] query =
        concat(
            msg(
                'T',
                new MessageBuilder()
                    .int16(2)
                    .cstring("flush_lsn")
                    .int32(0)
                    .int16(0)
                    .int32(25)
                    .int16(-1)
                    .int32(-1)
                    .int16(0)
                    .cstring("commit_lsn")
                    .int32(0)
                    .int16(0)
                    .int32(25)
                    .int16(-1)
                    .int32(-1)
                    .int16(0)
                    .toBytes()),
            msg(
                'D',
                new MessageBuilder()
                    .int16(2)
                    .int32(9)
                    .bytes(ascii("0/16B5BA8"))
                    .int32(-1)
                    .toBytes()),
            msg('N', ServerNotice.encode("NOTICE", "00000", "a notice between rows")),
            msg('C', new MessageBuilder().cstring("SELECT 1").toBytes()),
            msg('Z', new byte[] {'I'}));
    byte[] copy =
        concat(
            msg('H', new MessageBuilder().byte1(1).int16(0).toBytes()),
            msg('d', ascii("first chunk of the archive")),
            msg('S', new MessageBuilder().cstring("a").cstring("b").toBytes()),
            msg('d', new byte[300]),
            msg('c', new byte[0]),
            msg('C', new MessageBuilder().cstring("COPY 0").toBytes()),
            msg('Z', new byte[] {'I'}));
    byte[] copyError =
        concat(
            msg('H', new MessageBuilder().byte1(0).int16(0).toBytes()),
            msg('d', ascii("partial")),
            msg('E', ServerNotice.encode("ERROR", "XX000", "the pageserver gave up")),
            msg('Z', new byte[] {'I'}));
    byte[] ok = msg('R', int32(0));
    corpus.add(concat(ok, ready, query, copy));
    corpus.add(concat(msg('R', int32(3)), ok, ready, query, copyError));
    corpus.add(concat(msg('R', concat(int32(5), new byte[] {1, 2, 3, 4})), ok, ready, query, copy));
    corpus.add(
        concat(
            msg('E', ServerNotice.encode("FATAL", "28P01", "password authentication failed")),
            ready));
    corpus.add(
        concat(
            msg('R', concat(int32(10), ascii("SCRAM-SHA-256\0\0"))),
            msg(
                'R',
                concat(
                    int32(11),
                    ascii(
                        "r="
                            + ScriptedPgServer.NONCE_PLACEHOLDER
                            + "serverpart,s="
                            + Base64.getEncoder().encodeToString(ascii("salt"))
                            + ",i=4096"))),
            msg(
                'R',
                concat(int32(12), ascii("v=" + Base64.getEncoder().encodeToString(new byte[32])))),
            ok,
            ready,
            query,
            copy));
  }

  static byte[] msg(char type, byte[] body) {
    return concat(new byte[] {(byte) type}, int32(body.length + 4), body);
  }

  static byte[] int32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Override
  public String name() {
    return "wire";
  }

  @Override
  public List<byte[]> corpus() {
    return corpus;
  }

  @Override
  public List<String> dictionary() {
    return List.of(
        "R",
        "E",
        "N",
        "S",
        "Z",
        "H",
        "d",
        "c",
        "C",
        "T",
        "D",
        "G",
        "W",
        "A",
        "\0\0\0\4",
        "\0\0\0\0",
        "\u007f\u00ff\u00ff\u00ff",
        "i=",
        "s=",
        "r=",
        "v=",
        "e=",
        "SCRAM-SHA-256\0",
        "SFATAL\0",
        "M\0");
  }

  @Override
  public void run(byte[] input, Probe probe) {
    server.script(input);
    ConnInfo info =
        ConnInfo.parse("host=127.0.0.1 port=" + server.port() + " user=fuzz dbname=postgres");
    probe
        .attempt(
            "connect",
            () ->
                WireClient.connect(
                    info, "fuzz-password", Map.of("application_name", "fuzz"), TIMEOUT, TIMEOUT))
        .ifPresent(
            client -> {
              try (client) {
                if (probe
                    .attempt("simpleQuery", () -> client.simpleQuery("TIMELINE_STATUS"))
                    .isPresent()) {
                  probe.attempt(
                      "copyOut",
                      () -> {
                        try (CopyOutStream copy = client.copyOut("basebackup t l --gzip")) {
                          return copy.readAllBytes().length;
                        }
                      });
                }
              }
            });
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}

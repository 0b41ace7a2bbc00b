package computectl.pgwire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The client side of the authentication exchange, after the StartupMessage went out. */
final class ClientAuth {
  private final MessageStream stream;
  private final String user;
  private final String password;

  ClientAuth(MessageStream stream, String user, String password) {
    this.stream = stream;
    this.user = user;
    this.password = password;
  }

  /**
   * Answers authentication requests until AuthenticationOk; server errors are thrown as they come.
   */
  void run() throws IOException {
    while (true) {
      Message m = stream.read();
      switch (m.type()) {
        case 'R' -> {
          MessageReader r = m.reader();
          int code = r.int32();
          if (code == 0) {
            return;
          }
          answer(code, r);
        }
        case 'E' -> throw WireException.fromServer(ServerNotice.parse(m.body()));
        case 'N' -> WireClient.logNotice(stream.peer(), ServerNotice.parse(m.body()));
        case 'v' ->
            computectl.util.Log.debug(
                "server " + stream.peer() + " negotiated a lower protocol minor version");
        default -> throw unexpected(m.type(), "authentication");
      }
    }
  }

  private void answer(int code, MessageReader r) throws IOException {
    switch (code) {
      case 3 -> sendPassword(requirePassword("cleartext password"));
      case 5 ->
          sendPassword(Md5Password.response(user, requirePassword("MD5 password"), r.bytes(4)));
      case 10 -> scram(mechanisms(r));
      case 2 -> throw unsupported("Kerberos V5");
      case 7 -> throw unsupported("GSSAPI");
      case 9 -> throw unsupported("SSPI");
      case 11, 12 ->
          throw new WireException(
              "server " + stream.peer() + " sent a SASL message outside a SASL exchange");
      default -> throw unsupported("request code " + code);
    }
  }

  private String requirePassword(String method) {
    if (password == null) {
      throw new WireException(
          "server " + stream.peer() + " asked for a " + method + " but no password was given");
    }
    return password;
  }

  private WireException unsupported(String method) {
    return new WireException(
        "server " + stream.peer() + " asked for unsupported authentication method " + method);
  }

  private WireException unexpected(char type, String phase) {
    return new WireException(
        "unexpected message "
            + MessageStream.describe(type)
            + " from "
            + stream.peer()
            + " during "
            + phase);
  }

  private void sendPassword(String text) throws IOException {
    stream.write('p', new MessageBuilder().cstring(text).toBytes());
    stream.flush();
  }

  private static List<String> mechanisms(MessageReader r) {
    List<String> out = new ArrayList<>();
    while (r.remaining() > 0) {
      String m = r.cstring();
      if (m.isEmpty()) {
        break;
      }
      out.add(m);
    }
    return out;
  }

  private void scram(List<String> mechanisms) throws IOException {
    if (!mechanisms.contains(ScramSha256.MECHANISM)) {
      throw new WireException(
          "server "
              + stream.peer()
              + " offers only SASL mechanisms "
              + mechanisms
              + "; supported is "
              + ScramSha256.MECHANISM
              + " without channel binding (no TLS)");
    }
    String pw = requirePassword(ScramSha256.MECHANISM + " password");
    String clientNonce = ScramSha256.nonce();
    // PostgreSQL takes the user from the startup packet and ignores the SCRAM user name.
    String clientFirstBare = "n=,r=" + clientNonce;
    byte[] first = ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    stream.write(
        'p', new MessageBuilder().cstring(ScramSha256.MECHANISM).lengthPrefixed(first).toBytes());
    stream.flush();

    String serverFirst = saslMessage(11);
    ScramServerFirst sf = ScramServerFirst.parse(serverFirst, clientNonce, stream.peer());
    String clientFinalBare = "c=biws,r=" + sf.nonce();
    String authMessage = clientFirstBare + "," + serverFirst + "," + clientFinalBare;
    byte[] salted = ScramSha256.saltedPassword(pw, sf.salt(), sf.iterations());
    String proof = Base64.getEncoder().encodeToString(ScramSha256.clientProof(salted, authMessage));
    stream.write('p', (clientFinalBare + ",p=" + proof).getBytes(StandardCharsets.UTF_8));
    stream.flush();

    String serverFinal = saslMessage(12);
    verifyServerFinal(serverFinal, ScramSha256.serverSignature(salted, authMessage));
  }

  private void verifyServerFinal(String serverFinal, byte[] expected) {
    if (serverFinal.startsWith("e=")) {
      throw new WireException(
          "SCRAM authentication with " + stream.peer() + " failed: " + serverFinal.substring(2));
    }
    String v = null;
    for (String attr : serverFinal.split(",")) {
      if (attr.startsWith("v=")) {
        v = attr.substring(2);
      }
    }
    byte[] got;
    try {
      got = v == null ? null : Base64.getDecoder().decode(v);
    } catch (IllegalArgumentException e) {
      got = null;
    }
    if (got == null || !MessageDigest.isEqual(got, expected)) {
      throw new WireException(
          "SCRAM server signature from "
              + stream.peer()
              + " does not match: the server does not know the password");
    }
  }

  /** Reads the next AuthenticationSASLContinue (11) or AuthenticationSASLFinal (12) payload. */
  private String saslMessage(int expectedCode) {
    while (true) {
      Message m = stream.read();
      if (m.type() == 'E') {
        throw WireException.fromServer(ServerNotice.parse(m.body()));
      }
      if (m.type() == 'N') {
        WireClient.logNotice(stream.peer(), ServerNotice.parse(m.body()));
        continue;
      }
      if (m.type() != 'R') {
        throw unexpected(m.type(), "SCRAM authentication");
      }
      MessageReader r = m.reader();
      int code = r.int32();
      if (code != expectedCode) {
        throw new WireException(
            "server "
                + stream.peer()
                + " sent authentication code "
                + code
                + " where SCRAM step "
                + expectedCode
                + " was expected");
      }
      return new String(r.rest(), StandardCharsets.UTF_8);
    }
  }
}

package computectl.standin;

import computectl.pgwire.Md5Password;
import computectl.pgwire.Message;
import computectl.pgwire.MessageBuilder;
import computectl.pgwire.MessageReader;
import computectl.pgwire.MessageStream;
import computectl.pgwire.ScramSha256;
import computectl.pgwire.ServerNotice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** The server side of authentication for the stand-ins: trust, cleartext, MD5 or SCRAM-SHA-256. */
final class ServerAuth {
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Outcome: whether the client proved the password, and the cleartext it sent (if it sent one).
   */
  record Result(boolean ok, String cleartext) {}

  private final MessageStream stream;
  private final PageserverStandIn.Auth method;
  private final String password;
  private final boolean tamperSignature;

  ServerAuth(
      MessageStream stream,
      PageserverStandIn.Auth method,
      String password,
      boolean tamperSignature) {
    this.stream = stream;
    this.method = method;
    this.password = password;
    this.tamperSignature = tamperSignature;
  }

  /** Runs the exchange; on failure the FATAL error has been sent and the caller just closes. */
  Result run(String user) throws IOException {
    Result r =
        switch (method) {
          case TRUST -> new Result(true, null);
          case CLEARTEXT -> cleartext();
          case MD5 -> md5(user);
          case SCRAM_SHA_256 -> scram();
        };
    if (!r.ok()) {
      stream.write(
          'E',
          ServerNotice.encode(
              "FATAL", "28P01", "password authentication failed for user \"" + user + "\""));
      stream.flush();
    }
    return r;
  }

  private Result cleartext() throws IOException {
    request(new MessageBuilder().int32(3));
    String sent = password(stream.read());
    return new Result(password == null || password.equals(sent), sent);
  }

  private Result md5(String user) throws IOException {
    byte[] salt = new byte[4];
    RANDOM.nextBytes(salt);
    request(new MessageBuilder().int32(5).bytes(salt));
    String sent = password(stream.read());
    return new Result(
        password != null && Md5Password.response(user, password, salt).equals(sent), null);
  }

  private Result scram() throws IOException {
    request(new MessageBuilder().int32(10).cstring(ScramSha256.MECHANISM).byte1(0));
    MessageReader first = expectPasswordMessage(stream.read()).reader();
    String mechanism = first.cstring();
    int len = first.int32();
    String clientFirst = new String(first.bytes(len), StandardCharsets.UTF_8);
    if (!mechanism.equals(ScramSha256.MECHANISM)
        || !(clientFirst.startsWith("n,,") || clientFirst.startsWith("y,,"))) {
      return new Result(false, null);
    }
    String clientFirstBare = clientFirst.substring(3);
    String clientNonce = attribute(clientFirstBare, "r");
    if (clientNonce == null) {
      return new Result(false, null);
    }
    String nonce = clientNonce + ScramSha256.nonce();
    byte[] salt = ScramSha256.randomSalt();
    int iterations = ScramSha256.DEFAULT_ITERATIONS;
    String serverFirst =
        "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations;
    request(new MessageBuilder().int32(11).bytes(serverFirst.getBytes(StandardCharsets.UTF_8)));

    String clientFinal =
        new String(expectPasswordMessage(stream.read()).body(), StandardCharsets.UTF_8);
    int proofAt = clientFinal.lastIndexOf(",p=");
    if (proofAt < 0 || !nonce.equals(attribute(clientFinal, "r")) || password == null) {
      return new Result(false, null);
    }
    String authMessage =
        clientFirstBare + "," + serverFirst + "," + clientFinal.substring(0, proofAt);
    byte[] salted = ScramSha256.saltedPassword(password, salt, iterations);
    byte[] proof;
    try {
      proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
    } catch (IllegalArgumentException e) {
      return new Result(false, null);
    }
    if (!ScramSha256.verifyClientProof(salted, authMessage, proof)) {
      return new Result(false, null);
    }
    byte[] signature =
        ScramSha256.serverSignature(salted, tamperSignature ? authMessage + "x" : authMessage);
    request(
        new MessageBuilder()
            .int32(12)
            .bytes(
                ("v=" + Base64.getEncoder().encodeToString(signature))
                    .getBytes(StandardCharsets.UTF_8)));
    return new Result(true, null);
  }

  private static String attribute(String message, String name) {
    for (String attr : message.split(",")) {
      if (attr.startsWith(name + "=")) {
        return attr.substring(name.length() + 1);
      }
    }
    return null;
  }

  private void request(MessageBuilder body) throws IOException {
    stream.write('R', body.toBytes());
    stream.flush();
  }

  private static Message expectPasswordMessage(Message m) {
    if (m.type() != 'p') {
      throw new computectl.pgwire.WireException(
          "expected a password message, got " + MessageStream.describe(m.type()));
    }
    return m;
  }

  private static String password(Message m) {
    return expectPasswordMessage(m).reader().cstring();
  }
}

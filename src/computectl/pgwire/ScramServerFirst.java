package computectl.pgwire;

import java.util.Base64;

/** The fields of a SCRAM server-first-message: combined nonce, salt and iteration count. */
record ScramServerFirst(String nonce, byte[] salt, int iterations) {
  static ScramServerFirst parse(String text, String clientNonce, String peer) {
    String nonce = null;
    String salt = null;
    String iterations = null;
    for (String attr : text.split(",")) {
      if (attr.startsWith("r=")) {
        nonce = attr.substring(2);
      } else if (attr.startsWith("s=")) {
        salt = attr.substring(2);
      } else if (attr.startsWith("i=")) {
        iterations = attr.substring(2);
      }
    }
    if (nonce == null || salt == null || iterations == null) {
      throw invalid(peer, "r=, s= and i= are required");
    }
    if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
      throw invalid(peer, "the server nonce does not extend ours");
    }
    byte[] saltBytes;
    int count;
    try {
      saltBytes = Base64.getDecoder().decode(salt);
      count = Integer.parseInt(iterations);
    } catch (IllegalArgumentException e) {
      throw invalid(peer, "bad salt or iteration count");
    }
    if (count < 1 || count > 10_000_000) {
      throw invalid(peer, "iteration count " + count + " out of range");
    }
    return new ScramServerFirst(nonce, saltBytes, count);
  }

  private static WireException invalid(String peer, String why) {
    return new WireException("invalid SCRAM server-first-message from " + peer + ": " + why);
  }
}

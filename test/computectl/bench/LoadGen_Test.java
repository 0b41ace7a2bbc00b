package computectl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LoadGen_Test {
  private static int complete(String bytes) {
    ByteBuffer b = ByteBuffer.allocate(1024);
    b.put(bytes.getBytes(StandardCharsets.US_ASCII));
    return LoadGen.completeLength(b);
  }

  @Test
  void completeLength_waitsForTheWholeContentLengthBody() {
    String head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
    assertEquals(-1, complete(head + "abc"));
    assertEquals(head.length() + 5, complete(head + "abcde"));
  }

  @Test
  void completeLength_waitsForTheLastChunk() {
    String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    assertEquals(-1, complete(head + "3\r\nabc\r\n"));
    String all = head + "3\r\nabc\r\n0\r\n\r\n";
    assertEquals(all.length(), complete(all));
  }

  @Test
  void completeLength_isUnknownBeforeTheHeadersEnd() {
    assertEquals(-1, complete("HTTP/1.1 200 OK\r\nContent-Len"));
  }
}

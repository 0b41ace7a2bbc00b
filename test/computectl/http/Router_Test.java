package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class Router_Test {
  @Test
  void newRequestId_isARandomVersion4Uuid() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = Router.newRequestId();
      UUID u = UUID.fromString(id);
      assertEquals(id, u.toString());
      assertEquals(4, u.version(), id);
      assertEquals(2, u.variant(), id);
      assertTrue(seen.add(id), "repeated " + id);
    }
  }
}

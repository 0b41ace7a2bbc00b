package computectl.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class Redactor_Test {
  private static final String MD5 = "6b1d16b78004bbd51fa06af9eda75972";
  private static final String SCRAM =
      "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$c3RvcmVka2V5c3RvcmVka2V5:c2VydmVya2V5c2VydmVya2V5";
  private static final JsonValue SPEC =
      Json.parse(
          "{\"storage_auth_token\":\"tok-123456\",\"pageserver_connstring\":"
              + "\"postgresql://u:p%40ss-w0rd@ps:6400\",\"cluster\":{\"roles\":[{\"name\":\"a\",\"encrypted_password\":\""
              + MD5
              + "\"},"
              + "{\"name\":\"b\",\"encrypted_password\":\""
              + SCRAM.replace("$", "\\u0024")
              + "\"}],\"settings\":[{\"name\":\"neon.safekeepers\",\"value\":\"host=sk password='kv"
              + " secret' port=1\",\"vartype\":\"string\"}]}}");

  @Test
  void spec_blanksSecretFieldsAndConnstrPasswords() {
    Redactor r = Redactor.forSpec(SPEC);
    String out = r.spec(SPEC).toString();
    assertTrue(out.contains("\"storage_auth_token\":\"<redacted>\""), out);
    assertTrue(out.contains("\"encrypted_password\":\"<redacted>\""), out);
    assertTrue(out.contains("postgresql://u:<redacted>@ps:6400"), out);
    assertTrue(out.contains("host=sk password=<redacted> port=1"), out);
    assertEquals(List.of(), r.leaks(out));
  }

  @Test
  void text_replacesEveryFormOfAKnownSecret() {
    Redactor r = Redactor.forSpec(SPEC);
    String text =
        "hash "
            + MD5
            + " stored md5"
            + MD5
            + " salt c2FsdHNhbHRzYWx0 token tok-123456 decoded p@ss-w0rd";
    String out = r.text(text);
    assertFalse(
        out.contains(MD5)
            || out.contains("c2FsdHNhbHRzYWx0")
            || out.contains("tok-123456")
            || out.contains("p@ss-w0rd"),
        out);
    assertTrue(r.leaks(text).size() >= 4);
  }

  @Test
  void text_catchesSecretsTheSpecDoesNotKnow() {
    Redactor r = Redactor.forSpec(null);
    assertEquals(
        "ALTER ROLE x PASSWORD '<redacted>'", r.text("ALTER ROLE x PASSWORD 'md5" + MD5 + "'"));
    assertEquals("PASSWORD '<redacted>' x", r.text("PASSWORD 'it''s' x"));
    assertEquals("stored md5<redacted>", r.text("stored md5" + "0123456789abcdef0123456789abcdef"));
    assertEquals("v SCRAM-SHA-256$<redacted> end", r.text("v " + SCRAM + " end"));
    assertEquals("postgres://me:<redacted>@h/db", r.text("postgres://me:secret@h/db"));
    assertEquals("host=h password=<redacted> user=u", r.text("host=h password=secret user=u"));
    assertEquals("Authorization: Bearer <redacted>", r.text("Authorization: Bearer abc.def.ghi"));
    assertEquals("jwt <redacted>", r.text("jwt eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln"));
  }

  @Test
  void text_leavesOrdinaryTextAlone() {
    Redactor r = Redactor.forSpec(SPEC);
    String text = "GET /status 200 in 3 ms; role a created; postgresql://u@ps:6400 has no password";
    assertEquals(text, r.text(text));
  }
}

package computectl.standin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the stand-in saw on one connection: the startup parameters in the order sent, the password
 * text when cleartext authentication was used (null otherwise), whether the client authenticated,
 * and the queries it sent (simple and extended alike).
 */
public record StandInConnection(
    Map<String, String> startupParams,
    String password,
    boolean authenticated,
    List<String> queries) {

  public StandInConnection {
    startupParams = Collections.unmodifiableMap(new LinkedHashMap<>(startupParams));
    queries = List.copyOf(queries);
  }
}

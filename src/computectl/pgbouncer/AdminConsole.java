package computectl.pgbouncer;

import computectl.pgwire.ConnInfo;
import computectl.pgwire.WireClient;
import java.time.Duration;

/**
 * A connection to pgbouncer's admin console (the virtual database {@code pgbouncer}), which speaks
 * the Postgres protocol but only the simple query protocol. Over TCP this is the project's wire
 * client; a Unix-domain socket host (VMs use {@code host=/tmp}) goes through {@link
 * UnixAdminConsole}, as neither that client nor JDBC can open one.
 */
interface AdminConsole extends AutoCloseable {
  Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  Duration READ_TIMEOUT = Duration.ofSeconds(30);

  /** Runs one command; a server error is thrown. */
  void run(String command);

  @Override
  void close();

  static AdminConsole connect(ConnInfo info) {
    if (info.isUnixSocket()) {
      return UnixAdminConsole.connect(info, READ_TIMEOUT);
    }
    WireClient client = WireClient.connect(info, null, null, CONNECT_TIMEOUT, READ_TIMEOUT);
    return new AdminConsole() {
      @Override
      public void run(String command) {
        client.simpleQuery(command);
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }
}

package computectl.http;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Error texts for failed SQL, shaped like upstream's Postgres client prints them. */
final class SqlErrors {
  private SqlErrors() {}

  /** {@code db error: ERROR: <message>} for a server error; the driver's text otherwise. */
  static String text(SQLException e) {
    if (e instanceof PSQLException pe) {
      ServerErrorMessage m = pe.getServerErrorMessage();
      if (m != null && m.getMessage() != null) {
        return "db error: " + m.getSeverity() + ": " + m.getMessage();
      }
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}

package computectl.reconcile;

import computectl.util.ComputeCtlException;
import computectl.util.OneLine;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A failure while reconciling roles and databases, running migrations or reading extensions. The
 * message names the phase, the database and the statement's comment, never a password (the
 * statement text itself is not included because it may carry one).
 */
public class ReconcileException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  private final String sqlState;

  public ReconcileException(String message) {
    super(message);
    this.sqlState = null;
  }

  public ReconcileException(String message, SQLException cause) {
    super(message + ": " + serverMessage(cause), cause);
    this.sqlState = cause.getSQLState();
  }

  /** The SQLSTATE of the underlying database error, or null. */
  public String sqlState() {
    return sqlState;
  }

  /**
   * A statement of a phase failed (behaviour.md 6.5): the first failure in statement order is
   * reported.
   */
  static ReconcileException statementFailed(
      String phase, String database, String comment, SQLException e) {
    return new ReconcileException(
        "phase "
            + phase
            + " failed in database "
            + OneLine.escape(database)
            + " at \""
            + OneLine.escape(comment)
            + "\"",
        e);
  }

  /**
   * The server's error as {@code SEVERITY: text}; the driver's own message adds detail, hint and
   * position lines that we leave out.
   */
  static String serverMessage(SQLException e) {
    if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
      ServerErrorMessage m = p.getServerErrorMessage();
      return (m.getSeverity() == null ? "ERROR" : m.getSeverity())
          + ": "
          + OneLine.escape(m.getMessage());
    }
    return OneLine.escape(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }
}

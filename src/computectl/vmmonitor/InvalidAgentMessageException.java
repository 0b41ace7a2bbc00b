package computectl.vmmonitor;

/**
 * A text message from the agent that is not a valid v1.0 envelope. {@link #id()} is the message's
 * id when it could be read, else 0, so the InvalidMessage answer can refer to it.
 */
public final class InvalidAgentMessageException extends VmMonitorException {
  private static final long serialVersionUID = 1L;
  private final long id;

  public InvalidAgentMessageException(String message, long id) {
    super(message);
    this.id = id;
  }

  public long id() {
    return id;
  }
}

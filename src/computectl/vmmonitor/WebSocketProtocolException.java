package computectl.vmmonitor;

import java.io.IOException;

/** The peer broke RFC 6455; {@link #closeCode()} is the status we closed the connection with. */
final class WebSocketProtocolException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int closeCode;

  WebSocketProtocolException(int closeCode, String message) {
    super(message);
    this.closeCode = closeCode;
  }

  int closeCode() {
    return closeCode;
  }
}

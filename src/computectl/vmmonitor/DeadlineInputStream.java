package computectl.vmmonitor;

import java.io.FilterInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A socket's input that fails once an overall deadline has passed. A read timeout alone lets a
 * client that sends a byte now and then hold a connection for hours; this bounds the whole exchange
 * (the upgrade request) and is disarmed once it is done.
 */
final class DeadlineInputStream extends FilterInputStream {
  private final Socket socket;
  private final Duration limit;
  private final int perReadMillis;
  private volatile long deadlineNanos;

  DeadlineInputStream(Socket socket, Duration limit, int perReadMillis) throws IOException {
    super(socket.getInputStream());
    this.socket = socket;
    this.limit = limit;
    this.perReadMillis = perReadMillis;
    this.deadlineNanos = System.nanoTime() + limit.toNanos();
  }

  @Override
  public int read() throws IOException {
    arm();
    return super.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    arm();
    return super.read(b, off, len);
  }

  /** From now on reads wait as long as it takes (the socket's timeout is cleared). */
  void disarm() throws IOException {
    deadlineNanos = Long.MAX_VALUE;
    socket.setSoTimeout(0);
  }

  private void arm() throws IOException {
    long deadline = deadlineNanos;
    if (deadline == Long.MAX_VALUE) {
      return;
    }
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new SocketTimeoutException(
          "the request did not arrive within " + limit.toMillis() + " ms");
    }
    socket.setSoTimeout((int) Math.min(perReadMillis, left));
  }
}

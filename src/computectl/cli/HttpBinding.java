package computectl.cli;

import computectl.compute.ServingFailedException;
import computectl.http.HttpServers;
import computectl.util.ComputeCtlException;
import computectl.util.NamedThreads;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Binding the HTTP servers, on the caller's thread or beside a start from a spec file: there the
 * bind (a good part of it first-time class loading) runs on the second core while the start resets
 * PGDATA, writes the configuration and syncs the safekeepers, and the start waits for it before it
 * fetches the basebackup ({@link #awaitServing}).
 */
final class HttpBinding implements AutoCloseable {
  private final FutureTask<HttpServers> bind;

  private HttpBinding(Supplier<HttpServers> start) {
    this.bind = new FutureTask<>(start::get);
  }

  /**
   * Starts binding: on a thread of its own when {@code beside}, else here.
   *
   * @param start binds both servers, throwing {@link ComputeCtlException} when a port is taken
   */
  static HttpBinding start(Supplier<HttpServers> start, boolean beside) {
    HttpBinding b = new HttpBinding(start);
    if (beside) {
      NamedThreads.start("http-bind", b.bind);
    } else {
      b.bind.run();
    }
    return b;
  }

  /**
   * The bound servers, once they are.
   *
   * @throws ComputeCtlException the bind's own error
   */
  HttpServers servers() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return bind.get();
        } catch (InterruptedException e) {
          interrupted = true; // the bind takes milliseconds and cannot hang: wait it out
        } catch (ExecutionException e) {
          if (e.getCause() instanceof ComputeCtlException c) {
            throw c;
          }
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** For the start's gate: returns once the servers serve. */
  void awaitServing() {
    try {
      servers();
    } catch (ComputeCtlException e) {
      throw new ServingFailedException(e);
    }
  }

  /** Closes the servers, if they were bound. */
  @Override
  public void close() {
    HttpServers s;
    try {
      s = servers();
    } catch (RuntimeException e) {
      return; // nothing was bound; the error was reported where the bind's result was needed
    }
    s.close();
  }
}

package computectl.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Samples a process's thread count every 20 ms until closed; keeps the most seen. */
final class ThreadSampler implements AutoCloseable {
  private final Path status;
  private final Thread thread;
  private volatile boolean stop;
  private volatile int most;

  ThreadSampler(long pid) {
    this.status = Path.of("/proc/" + pid + "/status");
    this.thread = new Thread(this::sample, "bench-thread-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void sample() {
    while (!stop) {
      try {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("Threads:")) {
            most = Math.max(most, Integer.parseInt(line.substring(8).trim()));
          }
        }
        Thread.sleep(20);
      } catch (IOException e) {
        return; // the process is gone
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  int most() {
    return most;
  }

  @Override
  public void close() {
    stop = true;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

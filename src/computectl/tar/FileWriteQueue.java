package computectl.tar;

import computectl.util.NamedThreads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Writes file content on its own thread, so that decompressing and parsing the stream (the caller's
 * thread, the only one that ever touches the input) overlaps with the write system calls, as {@code
 * gunzip | tar -x} overlaps its two processes.
 *
 * <p>Jobs run in submission order. Path-based steps queued after a file's content (chmod, utimes)
 * may still be pending when the caller moves on, so the caller must {@link #sync()} before it
 * deletes or replaces anything. The first failure is kept and rethrown to the caller at its next
 * submission or sync; later jobs only close their files.
 */
final class FileWriteQueue implements AutoCloseable {
  private static final int BUFFERS = 8;

  /** The file-system block: the unit of holes. */
  private static final int HOLE_BLOCK = 4096;

  private static final byte[] ZERO_BLOCK = new byte[HOLE_BLOCK];

  /** Metadata steps run after a file's content is written and its channel closed. */
  interface Finisher {
    void run();
  }

  private sealed interface Job permits Write, Finish, Barrier, Stop {}

  private record Write(String entryPath, FileChannel channel, byte[] buf, int len, long offset)
      implements Job {}

  private record Finish(String entryPath, FileChannel channel, Finisher after) implements Job {}

  private record Barrier(CountDownLatch done) implements Job {}

  private record Stop() implements Job {}

  private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final int bufferSize;

  /** Caller's thread only: buffers handed out so far (at most {@link #BUFFERS}). */
  private int allocated;

  private final Thread thread;
  private volatile TarException failure;

  /** Writer thread only: the file whose last write ended in a hole, and where that write ended. */
  private FileChannel endsInHole;

  private long endOffset;

  FileWriteQueue(int bufferSize) {
    this.bufferSize = bufferSize;
    thread = NamedThreads.daemon("tar-file-writer", this::loop);
    thread.start();
  }

  /**
   * A free buffer to fill; blocks while all are queued. Buffers are made only as the writer falls
   * behind: when it keeps up, an extraction uses two or three, and a cold start's small heap does
   * not collect the rest.
   */
  byte[] buffer() {
    rethrow();
    byte[] b = free.poll();
    if (b != null) {
      return b;
    }
    if (allocated < BUFFERS) {
      allocated++;
      return SpareBuffers.take(bufferSize);
    }
    try {
      return free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TarException("tar extraction interrupted");
    }
  }

  /**
   * Queues {@code len} bytes of {@code buf} (from {@link #buffer()}) for the file at {@code
   * offset}. A file's writes must be queued in order, each starting where the last one ended.
   */
  void write(String entryPath, FileChannel channel, byte[] buf, int len, long offset) {
    rethrow();
    jobs.add(new Write(entryPath, channel, buf, len, offset));
  }

  /** Queues closing the file, then {@code after} (null: close only, the entry failed). */
  void finish(String entryPath, FileChannel channel, Finisher after) {
    jobs.add(new Finish(entryPath, channel, after));
  }

  /** Waits until every queued job has run; throws the first failure. */
  void sync() {
    CountDownLatch done = new CountDownLatch(1);
    jobs.add(new Barrier(done));
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TarException("tar extraction interrupted");
    }
    rethrow();
  }

  /** Runs what is queued (closing every file), then stops the thread. */
  @Override
  public void close() {
    jobs.add(new Stop());
    NamedThreads.joinUninterruptibly(thread);
    for (byte[] b = free.poll(); b != null; b = free.poll()) {
      SpareBuffers.give(b);
    }
  }

  private void rethrow() {
    TarException f = failure;
    if (f != null) {
      throw f;
    }
  }

  private void loop() {
    while (true) {
      Job job;
      try {
        job = jobs.take();
      } catch (InterruptedException e) {
        continue; // only close() stops this thread, after every file is closed
      }
      if (job instanceof Stop) {
        return;
      }
      run(job);
    }
  }

  /** Never lets an exception end the thread: a caller waiting in sync() would wait forever. */
  private void run(Job job) {
    try {
      runUnguarded(job);
    } catch (RuntimeException | Error e) {
      fail(new TarException("tar file writer failed: " + e, e));
      if (job instanceof Barrier b) {
        b.done().countDown();
      }
    }
  }

  private void runUnguarded(Job job) {
    if (job instanceof Write w) {
      try {
        if (failure == null) {
          writeSparse(w);
        }
      } catch (IOException e) {
        fail(TarException.entry(w.entryPath(), "cannot write file: " + e.getMessage(), e));
      } finally {
        free.add(w.buf());
      }
    } else if (job instanceof Finish f) {
      try {
        if (f.channel() == endsInHole && f.after() != null && failure == null) {
          // The file's last block was a hole: one byte at its end gives it its full size.
          writeFully(f.channel(), ByteBuffer.allocate(1), endOffset - 1);
        }
        endsInHole = null;
        f.channel().close();
        if (f.after() != null && failure == null) {
          f.after().run();
        }
      } catch (IOException e) {
        fail(TarException.entry(f.entryPath(), "cannot close file: " + e.getMessage(), e));
      } catch (TarException e) {
        fail(e);
      }
    } else if (job instanceof Barrier b) {
      b.done().countDown();
    }
  }

  /**
   * Writes the job's bytes, leaving every whole block of zeros a hole: Postgres reads a hole as
   * zeros, as it does in WAL segments it creates with {@code wal_init_zero} off. A basebackup's 16
   * MiB WAL segment is almost all zeros; writing them would cost time and page cache.
   */
  private void writeSparse(Write w) throws IOException {
    byte[] buf = w.buf();
    int runStart = 0;
    for (int i = 0; i + HOLE_BLOCK <= w.len(); i += HOLE_BLOCK) {
      if (Arrays.mismatch(buf, i, i + HOLE_BLOCK, ZERO_BLOCK, 0, HOLE_BLOCK) < 0) {
        if (runStart < i) {
          writeFully(
              w.channel(), ByteBuffer.wrap(buf, runStart, i - runStart), w.offset() + runStart);
        }
        runStart = i + HOLE_BLOCK;
      }
    }
    if (runStart < w.len()) {
      writeFully(
          w.channel(), ByteBuffer.wrap(buf, runStart, w.len() - runStart), w.offset() + runStart);
    }
    endsInHole = runStart == w.len() && w.len() > 0 ? w.channel() : null;
    endOffset = w.offset() + w.len();
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    while (b.hasRemaining()) {
      position += ch.write(b, position);
    }
  }

  private void fail(TarException e) {
    if (failure == null) {
      failure = e;
    }
  }
}

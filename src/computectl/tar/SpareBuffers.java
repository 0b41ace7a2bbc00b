package computectl.tar;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The file writer's buffers, kept from one extraction to the next. Up to eight 256 KiB buffers fill
 * the young generation of the launcher's small heap, survive its collection, and in `make bench`
 * forced a full collection (about 9 ms) into most basebackups. A pooled compute's warm-up in Empty
 * allocates them; the start's basebackup then allocates none. {@link
 * TarExtractor#releaseSpareBuffers} gives them up once the start is over.
 */
final class SpareBuffers {
  /** Two extractions' worth; more are garbage. */
  private static final BlockingQueue<byte[]> SPARE = new ArrayBlockingQueue<>(16);

  private SpareBuffers() {}

  /** A kept buffer of {@code size} bytes, or a new one. */
  static byte[] take(int size) {
    byte[] b = SPARE.poll();
    return b != null && b.length == size ? b : new byte[size];
  }

  /** Keeps {@code b} for the next extraction, unless enough are kept already. */
  static void give(byte[] b) {
    SPARE.offer(b);
  }

  static void clear() {
    SPARE.clear();
  }

  /** How many are kept (tests). */
  static int kept() {
    return SPARE.size();
  }
}

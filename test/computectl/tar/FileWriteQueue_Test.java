package computectl.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWriteQueue_Test {
  @TempDir Path tmp;

  private static boolean writerThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("tar-file-writer") && t.isAlive());
  }

  @Test
  void write_runsJobsInOrderAndCloseStopsTheThread() throws IOException {
    Path f = tmp.resolve("f");
    List<String> order = new ArrayList<>();
    FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (FileWriteQueue q = new FileWriteQueue(4)) {
      long offset = 0;
      for (String part : List.of("abcd", "efgh", "ij")) {
        byte[] buf = q.buffer();
        byte[] data = part.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(data, 0, buf, 0, data.length);
        q.write("f", ch, buf, data.length, offset);
        offset += data.length;
      }
      q.finish("f", ch, () -> order.add("after close: open=" + ch.isOpen()));
      q.sync();
      assertEquals("abcdefghij", Files.readString(f));
      assertEquals(List.of("after close: open=false"), order);
    }
    assertFalse(writerThreadAlive(), "close() stopped the thread");
  }

  @Test
  void sync_rethrowsTheFirstFailure() throws IOException {
    Path f = Files.writeString(tmp.resolve("ro"), "");
    try (FileWriteQueue q = new FileWriteQueue(4)) {
      FileChannel readOnly = FileChannel.open(f, StandardOpenOption.READ);
      q.write("ro", readOnly, q.buffer(), 1, 0);
      q.finish("ro", readOnly, null);
      TarException e = assertThrows(TarException.class, q::sync);
      assertEquals(
          "tar file writer failed: java.nio.channels.NonWritableChannelException", e.getMessage());
      assertSame(
          e, assertThrows(TarException.class, q::buffer), "later submissions fail the same way");
      assertFalse(readOnly.isOpen(), "the file was still closed");
    }
  }

  @Test
  void finish_failureOfMetadataStepIsReported() throws IOException {
    FileChannel ch =
        FileChannel.open(tmp.resolve("m"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (FileWriteQueue q = new FileWriteQueue(4)) {
      q.finish(
          "m",
          ch,
          () -> {
            throw TarException.entry("m", "cannot set mode: denied");
          });
      TarException e = assertThrows(TarException.class, q::sync);
      assertEquals("tar entry m: cannot set mode: denied", e.getMessage());
    }
  }
}

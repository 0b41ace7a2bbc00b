package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildInfo_Test {
  @TempDir Path image;

  private void stamp(String text) throws Exception {
    Files.createDirectories(image.resolve(BuildInfo.STAMP).getParent());
    Files.writeString(image.resolve(BuildInfo.STAMP), text, StandardCharsets.ISO_8859_1);
  }

  @Test
  void tagOf_readsTheImageStamp() throws Exception {
    stamp("build_tag=v1.2.3\n");
    assertEquals("v1.2.3", BuildInfo.tagOf(image));
    stamp("# made by build.sh\nbuild_tag = 2026-12-05_ab12 \n");
    assertEquals("2026-12-05_ab12", BuildInfo.tagOf(image));
  }

  @Test
  void tagOf_unstampedBlankOrMissingKeyIsLatest() throws Exception {
    assertEquals("latest", BuildInfo.tagOf(image));
    stamp("build_tag=   \n");
    assertEquals("latest", BuildInfo.tagOf(image));
    stamp("other=x\n");
    assertEquals("latest", BuildInfo.tagOf(image));
  }

  @Test
  void tagOf_anUnreadableStampIsAnError() throws Exception {
    Files.createDirectories(image.resolve(BuildInfo.STAMP));
    assertThrows(UncheckedIOException.class, () -> BuildInfo.tagOf(image));
  }

  @Test
  void buildTag_outsideAnImageIsLatest() {
    // The tests run on a JDK, not an image: its java.home has no stamp.
    assertEquals("latest", BuildInfo.buildTag());
  }
}

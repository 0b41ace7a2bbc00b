package computectl.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.util.BuildInfo;
import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FleetImage_Test {
  private static Path image(String stamp) throws IOException {
    Path dir = Files.createTempDirectory("computectl-fakeimage-");
    Files.createDirectories(dir.resolve("bin"));
    Files.writeString(dir.resolve("bin/compute_ctl"), "#!/bin/sh\n");
    Files.createDirectories(dir.resolve("lib/app"));
    Files.write(dir.resolve(FleetImage.JAR), new byte[] {1});
    if (stamp != null) {
      Files.writeString(dir.resolve(BuildInfo.STAMP), stamp, StandardCharsets.UTF_8);
    }
    return dir;
  }

  @Test
  void read_takesTheTagFromTheImageStamp() throws Exception {
    Path dir = image("build_tag=v9.1\n");
    FleetImage img = FleetImage.read(dir);
    assertEquals("v9.1", img.buildTag());
    assertEquals(dir.resolve("bin/compute_ctl"), img.launcher());
  }

  @Test
  void read_unstampedOrBlankIsLatest() throws Exception {
    assertEquals("latest", FleetImage.read(image(null)).buildTag());
    assertEquals("latest", FleetImage.read(image("build_tag=  \n")).buildTag());
  }

  @Test
  void read_namesTheStampItCannotRead() throws Exception {
    Path dir = image(null);
    Files.createDirectory(dir.resolve(BuildInfo.STAMP));
    ComputeCtlException e = assertThrows(ComputeCtlException.class, () -> FleetImage.read(dir));
    assertTrue(
        e.getMessage()
            .startsWith("cannot read the build tag of " + dir + " from " + BuildInfo.STAMP),
        e.getMessage());
  }

  @Test
  void read_refusesADirectoryThatIsNoImage() throws Exception {
    Path dir = Files.createTempDirectory("computectl-noimage-");
    ComputeCtlException e = assertThrows(ComputeCtlException.class, () -> FleetImage.read(dir));
    assertTrue(
        e.getMessage().startsWith(dir + " is not a compute_ctl runtime image"), e.getMessage());
  }

  @Test
  void retaggedImage_differsOnlyInTag() throws Exception {
    FleetImage source = FleetImage.read(image("build_tag=latest\n"));
    FleetImage copy = RetaggedImage.create(source, "fleet-old");
    try {
      assertEquals("fleet-old", copy.buildTag());
      assertEquals("latest", FleetImage.read(source.dir()).buildTag());
      assertEquals(Files.readString(source.launcher()), Files.readString(copy.launcher()));
      assertEquals(
          -1L,
          Files.mismatch(source.dir().resolve(FleetImage.JAR), copy.dir().resolve(FleetImage.JAR)),
          "the jar is the same");
    } finally {
      RetaggedImage.delete(copy);
    }
  }
}

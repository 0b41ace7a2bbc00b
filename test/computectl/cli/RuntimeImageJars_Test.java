package computectl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The jars of the built image: the app jar (what every compute runs) is under 500 KB, the optional
 * parts are in their own jars, no jar of the image holds the dev kit (stand-ins, demos, bench,
 * training), and the launcher puts every jar on the class path.
 */
@Tag("e2e")
class RuntimeImageJars_Test {
  private static final Path LIB =
      Path.of(System.getProperty("computectl.image", "build/image"), "lib/app");

  @Test
  void appJar_isUnder500KB_andHoldsNoOptionalPackage() throws IOException {
    Path jar = LIB.resolve("compute_ctl.jar");
    assertTrue(Files.size(jar) < 500_000, jar + " is " + Files.size(jar) + " bytes");
    SortedSet<String> packages = packages(jar);
    for (String optional :
        List.of(
            "vmmonitor",
            "vmhelpers",
            "tracing",
            "tools",
            "warmup",
            "extension",
            "pgbouncer",
            "localproxy",
            "tls",
            "standin",
            "fleet",
            "bench")) {
      assertTrue(!packages.contains(optional), optional + " is in the app jar");
    }
    assertTrue(
        packages.containsAll(
            List.of("cli", "compute", "spec", "http", "reconcile", "tar", "pgwire")),
        packages.toString());
  }

  @Test
  void optionalJars_holdTheirPackages() throws IOException {
    assertEquals(
        new TreeSet<>(List.of("vmhelpers", "vmmonitor")),
        packages(LIB.resolve("compute_ctl-vmmonitor.jar")));
    assertEquals(
        new TreeSet<>(List.of("tracing")), packages(LIB.resolve("compute_ctl-tracing.jar")));
    assertEquals(new TreeSet<>(List.of("tools")), packages(LIB.resolve("compute_ctl-tools.jar")));
    assertEquals(new TreeSet<>(List.of("warmup")), packages(LIB.resolve("compute_ctl-warmup.jar")));
    assertEquals(
        new TreeSet<>(List.of("extension")), packages(LIB.resolve("compute_ctl-extensions.jar")));
    assertEquals(
        new TreeSet<>(List.of("localproxy", "pgbouncer")),
        packages(LIB.resolve("compute_ctl-proxies.jar")));
    assertEquals(new TreeSet<>(List.of("tls")), packages(LIB.resolve("compute_ctl-tls.jar")));
  }

  @Test
  void noJarOfTheImage_holdsTheDevKit() throws IOException {
    List<String> jars = new ArrayList<>();
    try (Stream<Path> all = Files.list(LIB)) {
      all.filter(p -> p.getFileName().toString().startsWith("compute_ctl"))
          .forEach(p -> jars.add(p.toString()));
    }
    assertEquals(8, jars.size(), jars.toString());
    for (String jar : jars) {
      SortedSet<String> packages = packages(Path.of(jar));
      for (String devkit : List.of("standin", "fleet", "bench", "training")) {
        assertTrue(!packages.contains(devkit), devkit + " is in " + jar);
      }
    }
  }

  @Test
  void launcher_namesEveryJarOfTheImage() throws IOException {
    String launcher = Files.readString(LIB.resolveSibling("../bin/compute_ctl").normalize());
    List<String> jars = new ArrayList<>();
    try (Stream<Path> all = Files.list(LIB)) {
      all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).forEach(jars::add);
    }
    assertTrue(jars.size() >= 9, jars.toString());
    for (String j : jars) {
      assertTrue(launcher.contains("$app/" + j), j + " is not on the launcher's class path");
    }
  }

  /** The second-level package names (computectl.X) of a jar's classes. */
  private static SortedSet<String> packages(Path jar) throws IOException {
    TreeSet<String> out = new TreeSet<>();
    try (JarFile j = new JarFile(jar.toFile())) {
      j.stream()
          .map(e -> e.getName())
          .filter(n -> n.startsWith("computectl/") && n.endsWith(".class"))
          .forEach(n -> out.add(n.split("/")[1]));
    }
    return out;
  }
}

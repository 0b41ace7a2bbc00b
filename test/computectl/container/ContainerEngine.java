package computectl.container;

import computectl.testsupport.ProcessTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The engine that built the image under test (docker, podman or buildah, as {@code make
 * container-test} found it) and how it runs a command in a new container of that image: on the
 * host's network, as the image's user unless told otherwise, with host directories mounted.
 */
final class ContainerEngine {
  static final String ENGINE_VARIABLE = "COMPUTE_CTL_CONTAINER_ENGINE";
  static final String IMAGE_VARIABLE = "COMPUTE_CTL_CONTAINER_IMAGE";

  private final String engine;
  private final String image;
  private int containers;

  private ContainerEngine(String engine, String image) {
    this.engine = engine;
    this.image = image;
  }

  /** The engine and image {@code make container-test} names, or null outside it. */
  static ContainerEngine fromEnvironment() {
    String engine = System.getenv(ENGINE_VARIABLE);
    String image = System.getenv(IMAGE_VARIABLE);
    if (engine == null || image == null) {
      return null;
    }
    if (!List.of("docker", "podman", "buildah").contains(engine)) {
      throw new IllegalArgumentException(ENGINE_VARIABLE + " must be docker, podman or buildah");
    }
    return new ContainerEngine(engine, image);
  }

  /** A command running in its own container; closing it stops it and removes the container. */
  static final class Run implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final String container;

    private Run(Process process, Path log, String container) {
      this.process = process;
      this.log = log;
      this.container = container;
    }

    Process process() {
      return process;
    }

    String log() throws IOException {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The exit code, after at most {@code seconds}; null when it has not exited. */
    Integer awaitExit(long seconds) throws InterruptedException {
      return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    /** Stops everything the engine started: buildah's chroot isolation forwards no signal. */
    @Override
    public void close() throws IOException {
      ProcessTrees.stop(process, 90);
      if (container != null) {
        try {
          ContainerEngine.run(List.of("buildah", "rm", container));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * Starts {@code cmd} in a new container, as {@code user} (null: the image's user), with {@code
   * env} added to the image's environment and {@code mounts} (host directory to container path,
   * read-only); its output goes to {@code log}.
   */
  Run start(
      String user, Map<String, String> env, Map<Path, String> mounts, List<String> cmd, Path log)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    String container = null;
    if (engine.equals("buildah")) {
      container = "compute-ctl-test-" + ProcessHandle.current().pid() + "-" + ++containers;
      int rc = run(List.of("buildah", "from", "--pull=never", "--name", container, image));
      if (rc != 0) {
        throw new IOException("buildah from " + image + " failed with exit code " + rc);
      }
      full.addAll(List.of("buildah", "run", "--isolation", "chroot", "--network", "host"));
    } else {
      full.addAll(List.of(engine, "run", "--rm", "--network", "host", "--entrypoint", cmd.get(0)));
    }
    if (user != null) {
      full.addAll(List.of("--user", user));
    }
    env.forEach((name, value) -> full.addAll(List.of("--env", name + "=" + value)));
    mounts.forEach((host, path) -> full.addAll(List.of("--volume", host + ":" + path + ":ro")));
    if (container != null) {
      full.add(container);
      full.add("--");
      full.addAll(cmd);
    } else {
      full.add(image);
      full.addAll(cmd.subList(1, cmd.size()));
    }
    Process p =
        new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Run(p, log, container);
  }

  private static int run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }
}

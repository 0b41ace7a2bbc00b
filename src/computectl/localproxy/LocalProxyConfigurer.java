package computectl.localproxy;

import computectl.spec.LocalProxySpec;
import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Configures local_proxy (behaviour.md 12.6): rewrites its JSON configuration, then, when a running
 * local_proxy holds its pid file, sends it SIGHUP to reload. A local_proxy that is not running
 * picks the file up when it starts.
 */
public final class LocalProxyConfigurer {
  public static final Path CONFIG = Path.of("/etc/local_proxy/config.json");
  public static final Path PID_FILE = Path.of("/etc/local_proxy/pid");

  private final Path configFile;
  private final Path pidFile;

  public LocalProxyConfigurer(Path configFile, Path pidFile) {
    this.configFile = configFile;
    this.pidFile = pidFile;
  }

  /** Upstream's fixed paths. */
  public static LocalProxyConfigurer system() {
    return new LocalProxyConfigurer(CONFIG, PID_FILE);
  }

  /**
   * @throws ComputeCtlException when the file cannot be written or local_proxy cannot be signalled
   */
  public void configure(LocalProxySpec spec) {
    try {
      Files.writeString(configFile, PrettyJson.of(spec), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ComputeCtlException("writing " + configFile + ": " + e.getMessage(), e);
    }
    OptionalLong pid = PidFileLock.holder(pidFile);
    if (pid.isEmpty()) {
      Log.info("local_proxy is not running; it reads " + configFile + " when it starts");
      return;
    }
    // The pid may be stale in a tiny window; a SIGHUP to a stranger is an accepted risk, as
    // upstream.
    if (!ChildProcesses.signal(pid.getAsLong(), "HUP")) {
      throw new ComputeCtlException(
          "sending signal to local_proxy (pid " + pid.getAsLong() + ") failed");
    }
    Log.info("sent SIGHUP to local_proxy (pid " + pid.getAsLong() + ")");
  }
}

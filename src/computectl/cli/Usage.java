package computectl.cli;

import computectl.tools.Tools;

/** The {@code --help} text: every flag with its value name, environment variable and default. */
public final class Usage {
  private static final String INDENT = " ".repeat(10);

  private Usage() {}

  /** The one-line synopsis, also printed after a usage error. */
  public static String line() {
    StringBuilder sb = new StringBuilder("Usage: compute_ctl [OPTIONS]");
    for (Flag f : Flag.values()) {
      if (f.required()) {
        sb.append(' ').append(f.display());
      }
    }
    return sb.toString();
  }

  public static String text() {
    StringBuilder sb = new StringBuilder();
    sb.append("compute_ctl: starts and manages the Postgres of a Neon compute node\n\n");
    sb.append(line()).append("\n\nOptions:\n");
    for (Flag f : Flag.values()) {
      sb.append("  ")
          .append(f.shortName() != 0 ? "-" + f.shortName() + ", " : "    ")
          .append(f.display())
          .append('\n');
      sb.append(INDENT).append(f.help()).append(f.required() ? " (required)" : "").append('\n');
      if (f.env() != null) {
        sb.append(INDENT).append("[env: ").append(f.env()).append("]\n");
      }
      if (f.defaultValue() != null) {
        sb.append(INDENT).append("[default: ").append(f.defaultValue()).append("]\n");
      }
      sb.append('\n');
    }
    sb.append(
            "One of --spec, --spec-path or --control-plane-uri is needed; --control-plane-uri reads"
                + " the bearer token\n")
        .append("from NEON_CONTROL_PLANE_TOKEN.\n")
        .append("\nOffline tools (our addition; 'compute_ctl <tool> --help' for details):\n")
        .append(Tools.summary());
    return sb.toString();
  }
}

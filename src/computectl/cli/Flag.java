package computectl.cli;

import computectl.util.CommandLine;

/**
 * Every command-line flag of upstream compute_ctl at the version we follow (behaviour.md 2.1), in
 * upstream's order, then our own additions: names, value name, environment variable, default and
 * help text. Both the parser and the help text are driven by this table.
 */
public enum Flag {
  PGBIN(
      'b',
      "pgbin",
      "PGBIN",
      "POSTGRES_PATH",
      "postgres",
      false,
      "Path of the postgres binary; pg_ctl, initdb, pg_dump and pg_config are taken from beside"
          + " it"),
  REMOTE_EXT_CONFIG(
      'r',
      "remote-ext-config",
      "REMOTE_EXT_CONFIG",
      null,
      null,
      false,
      "Base URL of the extension storage proxy (a value not starting with http means"
          + " http://pg-ext-s3-gateway)"),
  EXTERNAL_HTTP_PORT(
      '\0',
      "external-http-port",
      "EXTERNAL_HTTP_PORT",
      null,
      "3080",
      false,
      "Port of the external HTTP server"),
  INTERNAL_HTTP_PORT(
      '\0',
      "internal-http-port",
      "INTERNAL_HTTP_PORT",
      null,
      "3081",
      false,
      "Port of the internal HTTP server (also neon.extension_server_port)"),
  PGDATA(
      'D',
      "pgdata",
      "DATADIR",
      null,
      null,
      true,
      "Postgres data directory; rebuilt from a basebackup on every start"),
  CONNSTR(
      'C',
      "connstr",
      "DATABASE_URL",
      null,
      null,
      true,
      "Postgres URL for compute_ctl's own connections, e.g."
          + " postgresql://cloud_admin@localhost:55433/postgres"),
  CGROUP('\0', "cgroup", "CGROUP", null, "neon-postgres", false, "cgroup name given to vm-monitor"),
  FILECACHE_CONNSTR(
      '\0',
      "filecache-connstr",
      "FILECACHE_CONNSTR",
      null,
      "host=localhost port=5432 dbname=postgres user=cloud_admin sslmode=disable"
          + " application_name=vm-monitor",
      false,
      "libpq connection string vm-monitor uses to resize the file cache"),
  VM_MONITOR_ADDR(
      '\0',
      "vm-monitor-addr",
      "VM_MONITOR_ADDR",
      null,
      "0.0.0.0:10301",
      false,
      "Address vm-monitor listens on"),
  RESIZE_SWAP_ON_BIND(
      '\0',
      "resize-swap-on-bind",
      null,
      null,
      null,
      false,
      "Resize swap to the spec's swap_size_bytes when the spec arrives"),
  SET_DISK_QUOTA_FOR_FS(
      '\0',
      "set-disk-quota-for-fs",
      "SET_DISK_QUOTA_FOR_FS",
      null,
      null,
      false,
      "Mountpoint whose disk quota is set to the spec's disk_quota_bytes"),
  SPEC(
      's',
      "spec",
      "SPEC",
      null,
      null,
      false,
      "Inline spec JSON (a bare ComputeSpec); wins over --spec-path"),
  SPEC_PATH(
      'S',
      "spec-path",
      "SPEC_PATH",
      null,
      null,
      false,
      "Path of a spec JSON file (a bare ComputeSpec)"),
  COMPUTE_ID(
      'i',
      "compute-id",
      "COMPUTE_ID",
      null,
      null,
      true,
      "Compute id: used in the control-plane URL and checked against the compute_id JWT claim"),
  CONTROL_PLANE_URI(
      'p',
      "control-plane-uri",
      "CONTROL_PLANE_API_BASE_URL",
      null,
      null,
      false,
      "Control plane API base URL to fetch the spec from; conflicts with --spec and --spec-path"),
  // Our additions (docs/upstream.md, "Additions of ours"), after upstream's flags.
  BASEBACKUP_FILE(
      '\0',
      "basebackup-file",
      "PATH",
      null,
      null,
      false,
      "Take the basebackup from this tar or tar.gz file instead of the pageserver (offline"
          + " replay)"),
  LOG_FORMAT(
      '\0',
      "log-format",
      "FORMAT",
      null,
      "text",
      false,
      "Log line format on stderr: text (upstream's) or json (one object per line, for log"
          + " shippers)"),
  HELP('h', "help", null, null, null, false, "Print help"),
  VERSION('V', "version", null, null, null, false, "Print version");

  private final char shortName;
  private final String longName;
  private final String valueName;
  private final String env;
  private final String defaultValue;
  private final boolean required;
  private final String help;

  Flag(
      char shortName,
      String longName,
      String valueName,
      String env,
      String defaultValue,
      boolean required,
      String help) {
    this.shortName = shortName;
    this.longName = longName;
    this.valueName = valueName;
    this.env = env;
    this.defaultValue = defaultValue;
    this.required = required;
    this.help = help;
  }

  /** The short name, or 0 when the flag has none. */
  public char shortName() {
    return shortName;
  }

  public String longName() {
    return longName;
  }

  /** The value name shown in help and errors, or null for a switch that takes no value. */
  public String valueName() {
    return valueName;
  }

  public String env() {
    return env;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public boolean required() {
    return required;
  }

  public String help() {
    return help;
  }

  public boolean takesValue() {
    return valueName != null;
  }

  /**
   * How errors name the flag, as clap does: {@code --pgdata <DATADIR>} or {@code
   * --resize-swap-on-bind}.
   */
  public String display() {
    return option().display();
  }

  /** The flag as the command-line reader knows it; help and version end reading when met. */
  public CommandLine.Option option() {
    return new CommandLine.Option(
        longName, shortName, valueName, false, this == HELP || this == VERSION);
  }

  static Flag byLongName(String name) {
    for (Flag f : values()) {
      if (f.longName.equals(name)) {
        return f;
      }
    }
    return null;
  }
}

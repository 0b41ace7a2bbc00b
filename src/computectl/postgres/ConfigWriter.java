package computectl.postgres;

import computectl.spec.AuditLogLevel;
import computectl.spec.ComputeMode;
import computectl.spec.ComputeSpec;
import computectl.spec.Feature;
import computectl.spec.GenericOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Produces {@code postgresql.conf} from a spec (behaviour.md 5.4), line for line as upstream writes
 * it. Rendering is a pure function of the spec and {@link Options}; facts about the host (OS,
 * overcommit setting) are supplied by the caller so tests can vary them.
 */
public final class ConfigWriter {
  public static final String FILE_NAME = "postgresql.conf";
  static final String OVERCOMMIT_MEMORY_PATH = "/proc/sys/vm/overcommit_memory";

  /** The operating system families whose output differs (locale names, the mmap check). */
  public enum HostOs {
    LINUX,
    MACOS,
    OTHER;

    public static HostOs current() {
      String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
      if (name.contains("linux")) {
        return LINUX;
      }
      return name.contains("mac") || name.contains("darwin") ? MACOS : OTHER;
    }
  }

  /**
   * Inputs besides the spec: the internal HTTP port (written as the extension server port), whether
   * TLS is configured, the content of {@code /proc/sys/vm/overcommit_memory} (null when it could
   * not be read) and the host OS.
   */
  public record Options(int internalHttpPort, boolean tls, String overcommitMemory, HostOs os) {
    /** Options for this host: reads the overcommit setting (errors mean "unknown", as upstream). */
    public static Options forThisHost(int internalHttpPort, boolean tls) {
      HostOs os = HostOs.current();
      String overcommit = null;
      if (os == HostOs.LINUX) {
        try {
          overcommit = Files.readString(Path.of(OVERCOMMIT_MEMORY_PATH), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
          overcommit = null;
        }
      }
      return new Options(internalHttpPort, tls, overcommit, os);
    }
  }

  private ConfigWriter() {}

  /** Truncates and rewrites {@code <pgdata>/postgresql.conf}. */
  public static void write(Path pgdata, ComputeSpec spec, Options options) {
    Path file = pgdata.resolve(FILE_NAME);
    try {
      writeOwnerOnly(file, render(spec, options), false);
    } catch (IOException e) {
      throw new PgException("could not write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Mode 0600 for files compute_ctl creates in PGDATA, as Postgres creates its own (whatever the
   * umask).
   */
  static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  /** Writes (or, with {@code append}, adds to) {@code file}; a file it creates gets mode 0600. */
  static void writeOwnerOnly(Path file, String text, boolean append) throws IOException {
    Set<StandardOpenOption> options =
        append
            ? EnumSet.of(
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
            : EnumSet.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    try (SeekableByteChannel ch = Files.newByteChannel(file, options, OWNER_ONLY)) {
      ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  /** The whole file text. */
  public static String render(ComputeSpec spec, Options options) {
    StringBuilder out = new StringBuilder();
    if (spec.cluster().postgresqlConf() != null) {
      line(out, spec.cluster().postgresqlConf());
    }
    storageBlock(out, spec);
    if (options.tls()) {
      // The key and certificate are copied into PGDATA under these names before Postgres starts.
      line(out, "ssl = on");
      line(out, "ssl_cert_file = 'server.crt'");
      line(out, "ssl_key_file = 'server.key'");
    }
    String locale = options.os() == HostOs.MACOS ? "'C'" : "'C.UTF-8'";
    for (String category : List.of("lc_messages", "lc_monetary", "lc_time", "lc_numeric")) {
      line(out, category + "=" + locale);
    }
    modeLines(out, spec.mode() == null ? ComputeMode.PRIMARY : spec.mode());
    if (options.os() == HostOs.LINUX
        && options.overcommitMemory() != null
        && options.overcommitMemory().trim().equals("2")) {
      // Overcommit disabled means the VM has swap; mmap DSM can then grow past free RAM.
      line(out, settingLine(new GenericOption("dynamic_shared_memory_type", "mmap", "enum")));
    }
    if (spec.cluster().settings() != null) {
      line(out, "# Managed by compute_ctl: begin");
      out.append(settingsBlock(spec.cluster().settings()));
      line(out, "# Managed by compute_ctl: end");
    }
    auditBlock(out, spec);
    line(out, "neon.extension_server_port=" + options.internalHttpPort());
    line(
        out, "neon.disable_logical_replication_subscribers=" + spec.dropSubscriptionsBeforeStart());
    if (spec.hasFeature(Feature.POSTGRES_LOGS_EXPORT)) {
      line(out, "log_destination='stderr,syslog'");
    }
    // Last on purpose: the temp override file must win over everything above.
    line(out, "include_if_exists = '" + TempOverride.FILE_NAME + "'");
    return out.toString();
  }

  /**
   * A value quoted for postgresql.conf (behaviour.md 5.4.2): {@code '} and {@code \} doubled,
   * always quoted.
   */
  public static String escape(String value) {
    return "'" + value.replace("'", "''").replace("\\", "\\\\") + "'";
  }

  /**
   * One managed-block line (behaviour.md 5.4.1): {@code name = value}, quoted for string vartype;
   * bare name when null.
   */
  public static String settingLine(GenericOption option) {
    if (option.value() == null) {
      return option.name();
    }
    return option.name() + " = " + (option.isString() ? escape(option.value()) : option.value());
  }

  /**
   * The managed block's body: one line per setting, each ending in a newline ("\n" alone when
   * empty).
   */
  public static String settingsBlock(List<GenericOption> settings) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < settings.size(); i++) {
      if (i > 0) {
        out.append('\n');
      }
      out.append(settingLine(settings.get(i)));
    }
    return out.append('\n').toString();
  }

  private static void storageBlock(StringBuilder out, ComputeSpec spec) {
    line(out, "# Neon storage settings");
    if (spec.pageserverConnstring() != null) {
      line(out, "neon.pageserver_connstring=" + escape(spec.pageserverConnstring()));
    }
    if (spec.shardStripeSize() != null) {
      line(out, "neon.stripe_size=" + spec.shardStripeSize());
    }
    if (!spec.safekeeperConnstrings().isEmpty()) {
      String generation =
          spec.safekeepersGeneration() == null ? "" : "g#" + spec.safekeepersGeneration() + ":";
      line(
          out,
          "neon.safekeepers="
              + escape(generation + String.join(",", spec.safekeeperConnstrings())));
    }
    if (spec.tenantId() != null) {
      line(out, "neon.tenant_id=" + escape(spec.tenantId()));
    }
    if (spec.timelineId() != null) {
      line(out, "neon.timeline_id=" + escape(spec.timelineId()));
    }
  }

  private static void modeLines(StringBuilder out, ComputeMode mode) {
    line(out, "neon.compute_mode=" + mode.type());
    switch (mode.kind()) {
      case PRIMARY:
        break;
      case STATIC:
        line(out, "hot_standby=on");
        line(out, "recovery_target_lsn='" + mode.lsn() + "'");
        break;
      case REPLICA:
        line(out, "hot_standby=on");
        break;
      default:
        throw new IllegalStateException("unknown compute mode " + mode.kind());
    }
  }

  /**
   * The audit block (behaviour.md 12.7), after the managed block so that the spec cannot override
   * the audit settings.
   */
  private static void auditBlock(StringBuilder out, ComputeSpec spec) {
    AuditLogLevel level =
        spec.auditLogLevel() == null ? AuditLogLevel.Disabled : spec.auditLogLevel();
    Optional<String> libs = spec.setting("shared_preload_libraries");
    switch (level) {
      case Disabled:
        break;
      case Log:
        line(out, "# Managed by compute_ctl base audit settings: start");
        line(out, "pgaudit.log='ddl,role'");
        line(out, "pgaudit.log_catalog=off");
        line(
            out,
            "shared_preload_libraries='"
                + libs.map(l -> withLibraries(l, "pgaudit")).orElse("neon,pgaudit")
                + "'");
        line(out, "# Managed by compute_ctl base audit settings: end");
        break;
      case Hipaa:
        line(out, "# Managed by compute_ctl compliance audit settings: begin");
        line(out, "pgaudit.log='all, -misc'");
        line(out, "pgaudit.log_parameter=on");
        line(out, "pgaudit.log_catalog=off");
        line(out, "pgaudit.log_rotation_age=5");
        line(
            out,
            "shared_preload_libraries='"
                + libs.map(l -> withLibraries(l, "pgaudit", "pgauditlogtofile"))
                    .orElse("neon,pgaudit,pgauditlogtofile")
                + "'");
        line(out, "# Managed by compute_ctl compliance audit settings: end");
        break;
      default:
        throw new IllegalStateException("unknown audit level " + level);
    }
  }

  /** Appends each library whose name does not occur as a substring (upstream's check). */
  private static String withLibraries(String libs, String... wanted) {
    StringBuilder sb = new StringBuilder(libs);
    for (String w : wanted) {
      if (!libs.contains(w)) {
        sb.append(',').append(w);
      }
    }
    return sb.toString();
  }

  private static void line(StringBuilder out, String text) {
    out.append(text).append('\n');
  }
}

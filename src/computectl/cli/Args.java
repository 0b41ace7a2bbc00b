package computectl.cli;

/**
 * The parsed command line (behaviour.md 2.1). Flags that were not given hold their default (or null
 * when they have none). When {@code help} or {@code version} is set, parsing stopped there: the
 * other fields then hold defaults only and must not be used.
 *
 * @param pgbin path of the postgres binary ({@code -b}, env {@code POSTGRES_PATH}, default {@code
 *     postgres})
 * @param remoteExtConfig extension storage base URL, already normalised as upstream does, or null
 * @param spec inline spec JSON ({@code -s}); it may hold secrets, so {@link #toString()} shows only
 *     its size
 * @param specPath spec file ({@code -S}); kept even when {@code -s} is given, which wins (see
 *     {@link #specSource()})
 * @param basebackupFile {@code --basebackup-file} (our addition): a tar or tar.gz replacing the
 *     pageserver, or null
 * @param logFormat {@code --log-format} (our addition): {@code text} or {@code json}
 */
public record Args(
    String pgbin,
    String remoteExtConfig,
    int externalHttpPort,
    int internalHttpPort,
    String pgdata,
    String connstr,
    String cgroup,
    String filecacheConnstr,
    String vmMonitorAddr,
    boolean resizeSwapOnBind,
    String setDiskQuotaForFs,
    String spec,
    String specPath,
    String computeId,
    String controlPlaneUri,
    String basebackupFile,
    String logFormat,
    boolean help,
    boolean version) {

  /** Where the spec comes from, by upstream's precedence. */
  public enum SpecSourceKind {
    INLINE,
    FILE,
    CONTROL_PLANE
  }

  public SpecSourceKind specSource() {
    if (spec != null) {
      return SpecSourceKind.INLINE;
    }
    return specPath != null ? SpecSourceKind.FILE : SpecSourceKind.CONTROL_PLANE;
  }

  /** Like the record's own, but without the inline spec's content or a password in the connstr. */
  @Override
  public String toString() {
    return "Args[pgbin="
        + pgbin
        + ", remoteExtConfig="
        + remoteExtConfig
        + ", externalHttpPort="
        + externalHttpPort
        + ", internalHttpPort="
        + internalHttpPort
        + ", pgdata="
        + pgdata
        + ", connstr="
        + redactPassword(connstr)
        + ", cgroup="
        + cgroup
        + ", filecacheConnstr="
        + filecacheConnstr
        + ", vmMonitorAddr="
        + vmMonitorAddr
        + ", resizeSwapOnBind="
        + resizeSwapOnBind
        + ", setDiskQuotaForFs="
        + setDiskQuotaForFs
        + ", spec="
        + (spec == null ? null : "<" + spec.length() + " chars>")
        + ", specPath="
        + specPath
        + ", computeId="
        + computeId
        + ", controlPlaneUri="
        + controlPlaneUri
        + ", basebackupFile="
        + basebackupFile
        + ", logFormat="
        + logFormat
        + ", help="
        + help
        + ", version="
        + version
        + "]";
  }

  /** {@code scheme://user:secret@host} becomes {@code scheme://user:***@host}. */
  static String redactPassword(String url) {
    if (url == null) {
      return null;
    }
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      return url;
    }
    int start = scheme + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    int at = url.lastIndexOf('@', end - 1);
    int colon = url.indexOf(':', start);
    if (at < start || colon < 0 || colon > at) {
      return url;
    }
    return url.substring(0, colon + 1) + "***" + url.substring(at);
  }
}

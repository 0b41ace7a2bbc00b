package computectl.spec;

/** {@code audit_log_level}: spelled {@code Disabled}, {@code Log}, {@code Hipaa} in JSON. */
public enum AuditLogLevel {
  Disabled,
  Log,
  Hipaa
}

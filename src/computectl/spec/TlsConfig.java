package computectl.spec;

/** Paths of a TLS key and certificate. */
public record TlsConfig(String keyPath, String certPath) {}

package computectl.spec;

/**
 * What spec acquisition produced (behaviour.md 2.1 and 3).
 *
 * @param spec the spec, or null when the control plane reported the compute as {@code empty} (the
 *     compute then waits for {@code /configure})
 * @param computeCtlConfig the control plane's config, or {@link SecurityConfig#DEFAULT} for {@code
 *     -s}/{@code -S} (no TLS, no keys: HTTP authorization off)
 * @param liveConfigAllowed whether {@code /configure} is allowed: false for {@code -s}, true for
 *     {@code -S} and the control plane
 */
public record AcquiredSpec(
    ComputeSpec spec, SecurityConfig computeCtlConfig, boolean liveConfigAllowed) {}

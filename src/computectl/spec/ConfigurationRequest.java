package computectl.spec;

/** The {@code /configure} body; its compute_ctl_config is parsed and then ignored, as upstream. */
public record ConfigurationRequest(ComputeSpec spec, SecurityConfig computeCtlConfig) {}

package computectl.tar;

/** What an extraction did: archive members handled and file content bytes written. */
public record ExtractStats(long entries, long bytes) {}

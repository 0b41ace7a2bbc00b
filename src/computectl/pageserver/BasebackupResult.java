package computectl.pageserver;

/**
 * What the successful attempt got: compressed bytes off the wire, tar entries and bytes unpacked,
 * attempts used.
 */
public record BasebackupResult(
    long compressedBytes, long entries, long unpackedBytes, int attempts) {}

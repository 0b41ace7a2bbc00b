package computectl.tar;

/**
 * Bounds that keep a hostile archive from exhausting memory, disk or path-resolution depth. The
 * defaults are far above anything a basebackup holds (its largest files are 1 GiB relation
 * segments, its deepest path has four components).
 *
 * @param maxPathBytes longest entry path or link target, in UTF-8 bytes
 * @param maxPathComponents most "/"-separated components in an entry path
 * @param maxEntrySize largest declared size of one entry
 * @param maxMetadataBytes largest GNU long name/link record or pax extended header
 * @param maxEntries most entries in one archive (a stream of entries that never ends stops here)
 * @param maxTotalBytes most file content in one archive, all entries together
 * @param maxTrailingBytes most data after the end-of-archive marker (tar pads to 10 KiB records at
 *     most; a stream that goes on and on after the archive stops here)
 */
public record ExtractLimits(
    int maxPathBytes,
    int maxPathComponents,
    long maxEntrySize,
    int maxMetadataBytes,
    long maxEntries,
    long maxTotalBytes,
    long maxTrailingBytes) {
  public static final ExtractLimits DEFAULTS =
      new ExtractLimits(4096, 64, 64L << 30, 1 << 20, 10_000_000, 1L << 40, 1 << 20);

  public ExtractLimits {
    if (maxPathBytes <= 0
        || maxPathComponents <= 0
        || maxEntrySize < 0
        || maxMetadataBytes <= 0
        || maxEntries <= 0
        || maxTotalBytes < 0
        || maxTrailingBytes < 0) {
      throw new IllegalArgumentException("extract limits must be positive");
    }
  }

  public ExtractLimits withMaxPathComponents(int v) {
    return new ExtractLimits(
        maxPathBytes,
        v,
        maxEntrySize,
        maxMetadataBytes,
        maxEntries,
        maxTotalBytes,
        maxTrailingBytes);
  }

  public ExtractLimits withMaxEntrySize(long v) {
    return new ExtractLimits(
        maxPathBytes,
        maxPathComponents,
        v,
        maxMetadataBytes,
        maxEntries,
        maxTotalBytes,
        maxTrailingBytes);
  }

  public ExtractLimits withMaxEntries(long v) {
    return new ExtractLimits(
        maxPathBytes,
        maxPathComponents,
        maxEntrySize,
        maxMetadataBytes,
        v,
        maxTotalBytes,
        maxTrailingBytes);
  }

  public ExtractLimits withMaxTotalBytes(long v) {
    return new ExtractLimits(
        maxPathBytes,
        maxPathComponents,
        maxEntrySize,
        maxMetadataBytes,
        maxEntries,
        v,
        maxTrailingBytes);
  }
}

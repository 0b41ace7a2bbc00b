package computectl.tar;

/**
 * Bounds that keep a hostile archive from exhausting memory, disk or path-resolution depth.
 * The defaults are far above anything a basebackup holds (its largest files are 1 GiB relation
 * segments, its deepest path has four components).
 *
 * @param maxPathBytes longest entry path or link target, in UTF-8 bytes
 * @param maxPathComponents most "/"-separated components in an entry path
 * @param maxEntrySize largest declared size of one entry
 * @param maxMetadataBytes largest GNU long name/link record or pax extended header
 */
public record ExtractLimits(int maxPathBytes, int maxPathComponents, long maxEntrySize, int maxMetadataBytes) {
  public static final ExtractLimits DEFAULTS = new ExtractLimits(4096, 64, 64L << 30, 1 << 20);

  public ExtractLimits {
    if (maxPathBytes <= 0 || maxPathComponents <= 0 || maxEntrySize < 0 || maxMetadataBytes <= 0) {
      throw new IllegalArgumentException("extract limits must be positive");
    }
  }

  public ExtractLimits withMaxPathBytes(int v) {
    return new ExtractLimits(v, maxPathComponents, maxEntrySize, maxMetadataBytes);
  }

  public ExtractLimits withMaxPathComponents(int v) {
    return new ExtractLimits(maxPathBytes, v, maxEntrySize, maxMetadataBytes);
  }

  public ExtractLimits withMaxEntrySize(long v) {
    return new ExtractLimits(maxPathBytes, maxPathComponents, v, maxMetadataBytes);
  }

  public ExtractLimits withMaxMetadataBytes(int v) {
    return new ExtractLimits(maxPathBytes, maxPathComponents, maxEntrySize, v);
  }
}

package computectl.vmmonitor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The monitor's arithmetic, with upstream's constants: upscale threshold, file cache (LFC) size and
 * the downscale rule. Everything is in bytes; double precision and truncation where upstream uses
 * them, so results match to the byte.
 */
public final class ScalingRules {
  public static final long MIB = 1L << 20;

  /** Gap between the VM's memory size and the kernel's MemTotal ({@code sys_buffer_bytes}). */
  public static final long SYS_BUFFER_BYTES = 100 * MIB;

  /** Usage must stay this far below a downscale's new threshold. */
  public static final long DOWNSCALE_BUFFER_BYTES = 100 * MIB;

  /** Requests start once usage passes 1 - 0.15 = 85 % of memory. */
  public static final double CGROUP_MIN_OVERHEAD_FRACTION = 0.15;

  public static final double LFC_RESOURCE_MULTIPLIER = 0.75;
  public static final long LFC_MIN_REMAINING_AFTER_CACHE = 256 * MIB;
  public static final double LFC_SPREAD_FACTOR = 0.1;

  /** At most one UpscaleRequest per this many nanoseconds. */
  public static final long UPSCALE_REQUEST_INTERVAL_NANOS = 1_000_000_000L;

  /** A downscale fails when the newest memory sample is older than this. */
  public static final long MAX_SAMPLE_AGE_NANOS = 5_000_000_000L;

  /** A downscale is denied before this many samples exist. */
  public static final long MIN_SAMPLES_FOR_DOWNSCALE = 2;

  private ScalingRules() {}

  /** {@code a - b}, but never below zero (upstream's saturating subtraction on u64). */
  public static long saturatingSub(long a, long b) {
    return a > b ? a - b : 0;
  }

  /** Memory usable by Postgres for a VM of {@code vmMemBytes} (the agent's figure). */
  public static long usable(long vmMemBytes) {
    return saturatingSub(vmMemBytes, SYS_BUFFER_BYTES);
  }

  /** Upscale threshold for {@code memBytes}: floor(mem × 0.85). */
  public static long threshold(long memBytes) {
    return (long) (memBytes * (1.0 - CGROUP_MIN_OVERHEAD_FRACTION));
  }

  /**
   * LFC size for {@code memBytes}: min(floor((mem − 256 MiB) / 1.1), floor(mem × 0.75)), rounded
   * down to whole MiB; 0 when no memory is left after the reserve.
   */
  public static long fileCacheSize(long memBytes) {
    long available = saturatingSub(memBytes, LFC_MIN_REMAINING_AFTER_CACHE);
    if (available == 0) {
      return 0;
    }
    long fromSpread = (long) Math.max(0.0, available / (1.0 + LFC_SPREAD_FACTOR));
    long fromRatio = (long) (memBytes * LFC_RESOURCE_MULTIPLIER);
    long size = Math.min(fromSpread, fromRatio);
    return size / MIB * MIB;
  }

  /**
   * Why a downscale whose new threshold is {@code newThreshold} must be denied with usage at {@code
   * meanUsage}, or null if it may go ahead.
   */
  public static String downscaleDenial(long newThreshold, long meanUsage) {
    if (newThreshold >= meanUsage + DOWNSCALE_BUFFER_BYTES) {
      return null;
    }
    return "calculated memory threshold too low: "
        + mib(newThreshold)
        + " MiB (new threshold) < "
        + mib(meanUsage)
        + " (current usage) + "
        + mib(DOWNSCALE_BUFFER_BYTES)
        + " (downscale buffer)";
  }

  /** The status part for a threshold change, as the agent logs it. */
  public static String thresholdChange(long oldThreshold, long newThreshold, long usableBytes) {
    return "set cgroup memory threshold from "
        + mib(oldThreshold)
        + " MiB to "
        + mib(newThreshold)
        + " MiB, of new total "
        + mib(usableBytes)
        + " MiB";
  }

  /**
   * Bytes as MiB the way upstream prints them: the quotient as a 32-bit float in its shortest
   * round-trip decimal form, without exponent or a trailing ".0" (3481.6, 2972, 100).
   */
  public static String mib(long bytes) {
    float f = (float) ((double) bytes / MIB);
    if (f == Math.rint(f) && Math.abs(f) < (float) 1e15) {
      return new BigDecimal(f).toBigInteger().toString();
    }
    BigDecimal exact = new BigDecimal(f);
    for (int digits = 1; digits <= 9; digits++) {
      BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (Float.parseFloat(candidate.toString()) == f) {
        return candidate.stripTrailingZeros().toPlainString();
      }
    }
    return exact.stripTrailingZeros().toPlainString();
  }
}

package computectl.fleet;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How many computes there are per build tag, per status and per (build tag, status): the three
 * recording rules' answers, or what the fleet expects them to be. Keys of {@link #byTagAndStatus}
 * are {@code <build_tag>/<status>}.
 */
public record FleetCounts(
    SortedMap<String, Integer> byTag,
    SortedMap<String, Integer> byStatus,
    SortedMap<String, Integer> byTagAndStatus) {

  /** One compute as counted. */
  public record Entry(String buildTag, String status) {}

  public FleetCounts {
    byTag = Collections.unmodifiableSortedMap(new TreeMap<>(byTag));
    byStatus = Collections.unmodifiableSortedMap(new TreeMap<>(byStatus));
    byTagAndStatus = Collections.unmodifiableSortedMap(new TreeMap<>(byTagAndStatus));
  }

  public static FleetCounts of(List<Entry> computes) {
    SortedMap<String, Integer> tag = new TreeMap<>();
    SortedMap<String, Integer> status = new TreeMap<>();
    SortedMap<String, Integer> both = new TreeMap<>();
    for (Entry e : computes) {
      tag.merge(e.buildTag(), 1, Integer::sum);
      status.merge(e.status(), 1, Integer::sum);
      both.merge(e.buildTag() + "/" + e.status(), 1, Integer::sum);
    }
    return new FleetCounts(tag, status, both);
  }

  /**
   * The counts from samples of {@code <labels>} (integral values), keyed by those label values
   * joined by "/".
   */
  static SortedMap<String, Integer> countsOf(List<PromSample> samples, String... labels) {
    SortedMap<String, Integer> out = new TreeMap<>();
    for (PromSample s : samples) {
      String key =
          Arrays.stream(labels)
              .map(l -> s.labels().getOrDefault(l, ""))
              .collect(Collectors.joining("/"));
      out.merge(key, (int) Math.round(s.value()), Integer::sum);
    }
    return out;
  }

  /** The total number of computes counted. */
  public int total() {
    return byTag.values().stream().mapToInt(Integer::intValue).sum();
  }

  @Override
  public String toString() {
    return "by build_tag " + byTag + ", by status " + byStatus + ", by both " + byTagAndStatus;
  }
}

package computectl.fleet;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What Prometheus says about the fleet, or what it should say: the recording rules' counts, the
 * alerts (pending or firing) as {@code <alertname> <identifying label>=<value>}, and how many
 * compute_ctl targets were scraped successfully.
 */
public record FleetAnswers(FleetCounts counts, SortedSet<String> alerts, int targetsUp) {
  public FleetAnswers {
    alerts = Collections.unmodifiableSortedSet(new TreeSet<>(alerts));
  }

  @Override
  public String toString() {
    return counts + ", alerts " + alerts + ", targets up " + targetsUp;
  }
}

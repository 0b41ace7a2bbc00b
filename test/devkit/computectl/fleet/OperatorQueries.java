package computectl.fleet;

import java.util.Comparator;
import java.util.List;

/**
 * The PromQL an operator types to learn which builds run where and what is broken, and their
 * answers.
 */
public final class OperatorQueries {
  /** A question and the PromQL that answers it. */
  public record Query(String question, String promql) {}

  public static final List<Query> QUERIES =
      List.of(
          new Query(
              "Which builds run where?",
              "sum by (region, build_tag) (compute_ctl_up{status!=\"terminated\"})"),
          new Query("How many computes per build?", "build_tag:compute_ctl_up:sum"),
          new Query("How many computes per status?", "status:compute_ctl_up:sum"),
          new Query("Per build and status?", "build_tag_status:compute_ctl_up:sum"),
          new Query(
              "What is broken or not finished?",
              "compute_ctl_up{status=~\"failed|init|configuration-pending|configuration\"}"),
          new Query("Which alerts are pending or firing?", "ALERTS"));

  private OperatorQueries() {}

  /** Every query with its answer, one sample a line, the way the Prometheus console shows them. */
  public static String render(PrometheusServer prometheus) throws InterruptedException {
    StringBuilder out = new StringBuilder();
    for (Query q : QUERIES) {
      out.append("# ")
          .append(q.question())
          .append('\n')
          .append("> ")
          .append(q.promql())
          .append('\n');
      List<PromSample> samples =
          prometheus.query(q.promql()).stream()
              .sorted(Comparator.comparing(PromSample::toString))
              .toList();
      if (samples.isEmpty()) {
        out.append("(no data)\n");
      }
      samples.forEach(s -> out.append(s).append('\n'));
      out.append('\n');
    }
    return out.toString();
  }
}

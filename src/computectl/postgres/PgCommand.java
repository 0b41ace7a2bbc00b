package computectl.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How to run the {@code postgres} binary given as {@code --pgbin}: inside the {@code neon-postgres}
 * memory cgroup when {@code AUTOSCALING} is set (so the autoscaler can control Postgres's memory),
 * after an optional prefix. The prefix is empty in production; tests running as root use {@code
 * RunAs.command(user, List.of())} because Postgres refuses root.
 */
public record PgCommand(String pgbin, boolean autoscaling, List<String> prefix) {
  public static final List<String> CGEXEC = List.of("cgexec", "-g", "memory:neon-postgres");

  public PgCommand {
    if (pgbin == null || pgbin.isEmpty()) {
      throw new IllegalArgumentException("pgbin is required");
    }
    prefix = List.copyOf(prefix);
  }

  /** {@code autoscaling} from the presence of {@code AUTOSCALING} in {@code env} (any value). */
  public static PgCommand of(String pgbin, Map<String, String> env, List<String> prefix) {
    return new PgCommand(pgbin, env.containsKey("AUTOSCALING"), prefix);
  }

  /** The full command line: prefix, the cgexec wrapper when autoscaling, pgbin, args. */
  public List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(prefix);
    if (autoscaling) {
      cmd.addAll(CGEXEC);
    }
    cmd.add(pgbin);
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * A tool that sits next to the postgres binary (pg_ctl, initdb), run with the same prefix but
   * never in the cgroup.
   */
  public List<String> siblingCommand(String tool, String... args) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(sibling(pgbin, tool));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Upstream takes the parent directory of pgbin and joins the tool name; a bare {@code postgres}
   * has an empty parent, which leaves a bare tool name found through PATH.
   */
  public static String sibling(String pgbin, String tool) {
    int slash = pgbin.lastIndexOf('/');
    if (slash < 0) {
      return tool;
    }
    return (slash == 0 ? "/" : pgbin.substring(0, slash + 1)) + tool;
  }
}

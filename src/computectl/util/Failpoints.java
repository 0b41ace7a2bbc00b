package computectl.util;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Named failpoints for testing builds (behaviour.md 12.12), configured with the action syntax of
 * Rust's {@code fail} crate: {@code [<pct>%][<count>*]<type>[(<arg>)]}, chained with {@code ->},
 * where type is off, return, sleep, delay, panic, print, pause or yield; plus neon's {@code exit}
 * (exit the process with code 1 when hit). Code under test calls {@link #eval}.
 */
public final class Failpoints {
  /** What a {@code panic} action throws where the failpoint is evaluated. */
  public static final class FailpointPanic extends ComputeCtlException {
    private static final long serialVersionUID = 1L;

    FailpointPanic(String message) {
      super(message);
    }
  }

  private enum Type {
    OFF,
    RETURN,
    SLEEP,
    DELAY,
    PANIC,
    PRINT,
    PAUSE,
    YIELD,
    EXIT
  }

  private record Action(
      Type type, String arg, long millis, double frequency, AtomicLong remaining) {}

  private record Config(String actions, List<Action> chain) {}

  private final Map<String, Config> points = new ConcurrentHashMap<>();
  private final IntConsumer exit;

  public Failpoints() {
    this(System::exit);
  }

  /**
   * @param exit called with 1 by an {@code exit} action (tests pass a recorder)
   */
  public Failpoints(IntConsumer exit) {
    this.exit = exit;
  }

  /** The {@code FAILPOINTS} variable: {@code name=actions} pairs separated by {@code ;}. */
  public void configureAll(String value) {
    for (String entry : value.split(";")) {
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "invalid failpoint \"" + entry + "\": expected <name>=<actions>");
      }
      try {
        configure(entry.substring(0, eq), entry.substring(eq + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "failed to apply failpoint " + entry + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Sets (or with {@code off} clears) one failpoint; throws with the fail crate's text on bad
   * syntax.
   */
  public void configure(String name, String actions) {
    List<Action> chain = new ArrayList<>();
    if (actions.trim().equals("exit")) {
      chain.add(new Action(Type.EXIT, null, 0, 1, null));
    } else {
      for (String part : actions.split("->", -1)) {
        chain.add(parseAction(part));
      }
    }
    synchronized (this) {
      points.put(name, new Config(actions, List.copyOf(chain)));
      notifyAll(); // releases a paused evaluation
    }
  }

  /**
   * The failpoint that fails the migration whose id its {@code return(<id>)} names (behaviour.md
   * 12.11).
   */
  public static final String COMPUTE_MIGRATION = "compute-migration";

  /**
   * Evaluates {@link #COMPUTE_MIGRATION}: the id of the migration to fail, for {@code
   * computectl.reconcile.MigrationRunner}; null when the failpoint does not fire.
   *
   * @throws IllegalArgumentException when it returns something other than a number
   */
  public Long migrationToFail() {
    Optional<String> value = eval(COMPUTE_MIGRATION);
    if (value.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(value.get().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "failpoint "
              + COMPUTE_MIGRATION
              + " must return a migration id, as in return(3);"
              + " it returned \""
              + value.get()
              + "\"");
    }
  }

  /** The configured action text, if any. */
  public Optional<String> actions(String name) {
    Config c = points.get(name);
    return c == null ? Optional.empty() : Optional.of(c.actions());
  }

  /**
   * Evaluates failpoint {@code name}: runs the first action of its chain that fires and returns the
   * argument of a {@code return} action ("" without one); empty when nothing returns.
   */
  public Optional<String> eval(String name) {
    Config config = points.get(name);
    if (config == null) {
      return Optional.empty();
    }
    for (Action a : config.chain()) {
      if (!fires(a)) {
        continue;
      }
      return run(name, config, a);
    }
    return Optional.empty();
  }

  private static boolean fires(Action a) {
    if (a.frequency() < 1 && ThreadLocalRandom.current().nextDouble() >= a.frequency()) {
      return false;
    }
    return a.remaining() == null || a.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  private Optional<String> run(String name, Config config, Action a) {
    switch (a.type()) {
      case RETURN:
        return Optional.of(a.arg() == null ? "" : a.arg());
      case SLEEP:
      case DELAY:
        sleep(a.millis());
        return Optional.empty();
      case PANIC:
        throw new FailpointPanic(a.arg() == null ? "failpoint " + name + " panicked" : a.arg());
      case PRINT:
        Log.info(a.arg() == null ? "failpoint " + name + " executed" : a.arg());
        return Optional.empty();
      case PAUSE:
        pauseWhile(name, config);
        return Optional.empty();
      case YIELD:
        Thread.yield();
        return Optional.empty();
      case EXIT:
        Log.info("exit requested by failpoint " + name);
        exit.accept(1);
        return Optional.empty();
      default:
        return Optional.empty();
    }
  }

  private synchronized void pauseWhile(String name, Config config) {
    while (points.get(name) == config) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One task of a chain, with the fail crate's error texts. */
  private static Action parseAction(String text) {
    String remain = text.trim();
    String arg = null;
    int paren = remain.indexOf('(');
    if (paren >= 0) {
      String rest = remain.substring(paren + 1);
      if (!rest.endsWith(")")) {
        throw new IllegalArgumentException("parentheses do not match");
      }
      arg = rest.substring(0, rest.length() - 1);
      remain = remain.substring(0, paren);
    }
    double frequency = 1;
    int pct = remain.indexOf('%');
    if (pct >= 0) {
      frequency = parseNumber(remain.substring(0, pct), "frequency") / 100.0;
      remain = remain.substring(pct + 1);
    }
    AtomicLong remaining = null;
    int star = remain.indexOf('*');
    if (star >= 0) {
      remaining = new AtomicLong((long) parseNumber(remain.substring(0, star), "count"));
      remain = remain.substring(star + 1);
    }
    Type type = typeOf(remain);
    long millis = 0;
    if (type == Type.SLEEP || type == Type.DELAY) {
      if (arg == null) {
        throw new IllegalArgumentException("sleep require timeout");
      }
      millis = (long) parseNumber(arg, "timeout");
    }
    return new Action(type, arg, millis, frequency, remaining);
  }

  private static Type typeOf(String word) {
    switch (word) {
      case "off":
        return Type.OFF;
      case "return":
        return Type.RETURN;
      case "sleep":
        return Type.SLEEP;
      case "delay":
        return Type.DELAY;
      case "panic":
        return Type.PANIC;
      case "print":
        return Type.PRINT;
      case "pause":
        return Type.PAUSE;
      case "yield":
        return Type.YIELD;
      default:
        throw new IllegalArgumentException("unrecognized command \"" + word + "\"");
    }
  }

  private static double parseNumber(String s, String what) {
    try {
      double v = what.equals("frequency") ? Double.parseDouble(s) : Long.parseLong(s);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "failed to parse " + what + ": invalid digit found in string");
    }
  }
}

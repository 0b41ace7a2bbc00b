package computectl.util;

import java.util.function.Consumer;

/**
 * Traps process signals (INT, TERM) through {@code sun.misc.Signal} ({@link SignalTrapHandler}).
 * SIGQUIT cannot be trapped: the JVM keeps it for thread dumps.
 */
public final class SignalTraps {
  private SignalTraps() {}

  /**
   * Calls {@code handler} with the signal name on a JVM signal thread; false when it cannot trap
   * it.
   */
  public static boolean trap(String name, Consumer<String> handler) {
    try {
      SignalTrapHandler.install(name, handler);
      return true;
    } catch (IllegalArgumentException e) {
      Log.warn("cannot trap SIG" + name + ": " + e);
      return false;
    }
  }
}

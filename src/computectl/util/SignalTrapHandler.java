package computectl.util;

import java.util.function.Consumer;

/**
 * The {@code sun.misc.SignalHandler} that {@link SignalTraps} installs: the one class that names
 * {@code sun.misc}, the JDK's only way to trap signals. javac warns about every such use and
 * nothing turns that warning off, so build.sh compiles this file on its own, accepting that warning
 * only, before the rest of src/ (with -Werror). A class of our own rather than a reflective proxy:
 * JDK 17 generates a proxy class at every start (about 7 ms of the boot) and cannot keep it in the
 * class-data archive.
 */
final class SignalTrapHandler implements sun.misc.SignalHandler {
  private final String name;
  private final Consumer<String> handler;

  private SignalTrapHandler(String name, Consumer<String> handler) {
    this.name = name;
    this.handler = handler;
  }

  /**
   * Calls {@code handler} with {@code name} on a JVM signal thread whenever SIG{@code name} comes.
   *
   * @throws IllegalArgumentException when the JVM cannot trap it (unknown, or kept by the JVM)
   */
  static void install(String name, Consumer<String> handler) {
    sun.misc.Signal.handle(new sun.misc.Signal(name), new SignalTrapHandler(name, handler));
  }

  @Override
  public void handle(sun.misc.Signal signal) {
    handler.accept(name);
  }

  @Override
  public String toString() {
    return "SignalTrap[" + name + "]";
  }
}

package computectl.util;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * Traps process signals (INT, TERM) through {@code sun.misc.Signal}, the JDK's only way to do so.
 * It is reached by reflection on purpose: javac flags every direct use of {@code sun.misc} with a
 * warning that cannot be suppressed, and the build treats warnings as errors. SIGQUIT cannot be
 * trapped: the JVM keeps it for thread dumps.
 */
public final class SignalTraps {
  private SignalTraps() {}

  /**
   * Calls {@code handler} with the signal name on a JVM signal thread; false when it cannot trap
   * it.
   */
  public static boolean trap(String name, Consumer<String> handler) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance(name);
      InvocationHandler ih =
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              handler.accept(name);
              return null;
            }
            if (method.getName().equals("toString")) {
              return "SignalTrap[" + name + "]";
            }
            if (method.getName().equals("hashCode")) {
              return System.identityHashCode(proxy);
            }
            if (method.getName().equals("equals")) {
              return proxy == args[0];
            }
            return null;
          };
      Object proxy =
          Proxy.newProxyInstance(
              SignalTraps.class.getClassLoader(), new Class<?>[] {handlerClass}, ih);
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, proxy);
      return true;
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      Log.warn("cannot trap SIG" + name + ": " + e);
      return false;
    }
  }
}

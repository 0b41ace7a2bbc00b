package computectl.fuzz;

import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Where two values (records, lists, maps, scalars) first differ, as a path, for fuzz messages. */
final class RecordDiff {
  private RecordDiff() {}

  /** Null when equal, else {@code path: a != b}. */
  static String first(String path, Object a, Object b) {
    if (Objects.equals(a, b)) {
      return null;
    }
    if (a == null || b == null || a.getClass() != b.getClass()) {
      return path + ": " + a + " != " + b;
    }
    if (a.getClass().isRecord()) {
      for (RecordComponent c : a.getClass().getRecordComponents()) {
        String d = first(path + "." + c.getName(), get(c, a), get(c, b));
        if (d != null) {
          return d;
        }
      }
    } else if (a instanceof List<?> la && b instanceof List<?> lb) {
      if (la.size() != lb.size()) {
        return path + ": " + la.size() + " elements != " + lb.size();
      }
      for (int i = 0; i < la.size(); i++) {
        String d = first(path + "[" + i + "]", la.get(i), lb.get(i));
        if (d != null) {
          return d;
        }
      }
    } else if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      Iterator<? extends Map.Entry<?, ?>> ia = ma.entrySet().iterator();
      Iterator<? extends Map.Entry<?, ?>> ib = mb.entrySet().iterator();
      while (ia.hasNext() && ib.hasNext()) {
        Map.Entry<?, ?> ea = ia.next();
        Map.Entry<?, ?> eb = ib.next();
        String d = first(path + "{key}", ea.getKey(), eb.getKey());
        d = d != null ? d : first(path + "[" + ea.getKey() + "]", ea.getValue(), eb.getValue());
        if (d != null) {
          return d;
        }
      }
      return path + ": " + ma.size() + " entries != " + mb.size();
    }
    return path + ": " + a + " != " + b;
  }

  private static Object get(RecordComponent c, Object o) {
    try {
      c.getAccessor().setAccessible(true);
      return c.getAccessor().invoke(o);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}

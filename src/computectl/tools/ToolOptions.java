package computectl.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of one offline tool and their parsing: {@code --name value}, {@code --name=value},
 * {@code -x value} and switches, each at most once; no positional arguments. The same table prints
 * the tool's help.
 */
final class ToolOptions {
  /** One option; {@code valueName} is null for a switch. */
  record Option(String longName, char shortName, String valueName, String help) {
    boolean takesValue() {
      return valueName != null;
    }

    String display() {
      return "--" + longName + (valueName == null ? "" : " <" + valueName + ">");
    }
  }

  static final Option HELP = new Option("help", 'h', null, "Print help");

  private final List<Option> options;
  private final Map<String, String> values = new LinkedHashMap<>();

  private ToolOptions(List<Option> options) {
    this.options = options;
  }

  /** Parses {@code args}; {@code --help} is always accepted. */
  static ToolOptions parse(List<Option> known, List<String> args) {
    List<Option> all = new ArrayList<>(known);
    all.add(HELP);
    ToolOptions o = new ToolOptions(all);
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String inline = null;
      Option opt;
      if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
        inline = eq < 0 ? null : a.substring(eq + 1);
        opt = o.byLong(name);
      } else if (a.startsWith("-") && a.length() >= 2) {
        opt = o.byShort(a.charAt(1));
        inline = a.length() > 2 ? (a.charAt(2) == '=' ? a.substring(3) : a.substring(2)) : null;
      } else {
        throw ToolException.usage("unexpected argument '" + a + "' found");
      }
      if (opt == null) {
        throw ToolException.usage("unexpected argument '" + a + "' found");
      }
      if (o.values.containsKey(opt.longName())) {
        throw ToolException.usage(
            "the argument '" + opt.display() + "' cannot be used multiple times");
      }
      if (!opt.takesValue()) {
        if (inline != null) {
          throw ToolException.usage(
              "unexpected value '" + inline + "' for '" + opt.display() + "'");
        }
        o.values.put(opt.longName(), "true");
      } else if (inline != null) {
        o.values.put(opt.longName(), inline);
      } else if (i + 1 < args.size()) {
        o.values.put(opt.longName(), args.get(++i));
      } else {
        throw ToolException.usage(
            "a value is required for '" + opt.display() + "' but none was supplied");
      }
    }
    return o;
  }

  private Option byLong(String name) {
    return options.stream().filter(x -> x.longName().equals(name)).findFirst().orElse(null);
  }

  private Option byShort(char c) {
    return options.stream()
        .filter(x -> x.shortName() != 0 && x.shortName() == c)
        .findFirst()
        .orElse(null);
  }

  boolean has(String longName) {
    return values.containsKey(longName);
  }

  String get(String longName) {
    return values.get(longName);
  }

  String require(String longName) {
    String v = values.get(longName);
    if (v == null) {
      Option opt = byLong(longName);
      throw ToolException.usage(
          "the following required argument was not provided: "
              + (opt == null ? longName : opt.display()));
    }
    return v;
  }

  /** A whole number in {@code [min, max]}, or {@code fallback} when the option is absent. */
  int integer(String longName, int fallback, int min, int max) {
    String v = values.get(longName);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ToolException.usage(
        "invalid value '"
            + v
            + "' for '--"
            + longName
            + "': expected a number from "
            + min
            + " to "
            + max);
  }

  /** The help text: synopsis, description and one block per option. */
  static String help(String synopsis, String description, List<Option> known) {
    StringBuilder sb =
        new StringBuilder("Usage: ")
            .append(synopsis)
            .append("\n\n")
            .append(description)
            .append("\n\nOptions:\n");
    List<Option> all = new ArrayList<>(known);
    all.add(HELP);
    for (Option o : all) {
      sb.append("  ")
          .append(o.shortName() != 0 ? "-" + o.shortName() + ", " : "    ")
          .append(o.display())
          .append('\n')
          .append("          ")
          .append(o.help())
          .append("\n");
    }
    return sb.toString();
  }
}

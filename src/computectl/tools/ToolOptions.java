package computectl.tools;

import computectl.util.CommandLine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of one offline tool, read by {@link CommandLine} (as compute_ctl's own flags are):
 * {@code --name value}, {@code --name=value}, {@code -x value} and switches, each at most once; no
 * positional arguments. The same table prints the tool's help.
 */
final class ToolOptions {
  /** One option; {@code valueName} is null for a switch. */
  record Option(String longName, char shortName, String valueName, String help) {
    /** The option as the command-line reader knows it; help ends reading when met. */
    CommandLine.Option commandLine() {
      return new CommandLine.Option(longName, shortName, valueName, false, this.equals(HELP));
    }

    String display() {
      return commandLine().display();
    }
  }

  static final Option HELP = new Option("help", 'h', null, "Print help");

  private final Map<String, CommandLine.Option> byName = new LinkedHashMap<>();
  private final CommandLine line;

  private ToolOptions(List<Option> known, List<String> args) {
    List<Option> all = new ArrayList<>(known);
    all.add(HELP);
    all.forEach(o -> byName.put(o.longName(), o.commandLine()));
    line =
        CommandLine.read(
            List.copyOf(byName.values()), args.toArray(String[]::new), ToolException::usage);
  }

  /** Parses {@code args}; {@code --help} is always accepted. */
  static ToolOptions parse(List<Option> known, List<String> args) {
    return new ToolOptions(known, args);
  }

  boolean has(String longName) {
    return line.has(option(longName));
  }

  String get(String longName) {
    return line.get(option(longName));
  }

  String require(String longName) {
    line.require(List.of(option(longName)));
    return get(longName);
  }

  /** A whole number in {@code [min, max]}, or {@code fallback} when the option is absent. */
  int integer(String longName, int fallback, int min, int max) {
    return line.integer(option(longName), fallback, min, max);
  }

  private CommandLine.Option option(String longName) {
    CommandLine.Option o = byName.get(longName);
    if (o == null) {
      throw new IllegalArgumentException("no option --" + longName + " in this tool's table");
    }
    return o;
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

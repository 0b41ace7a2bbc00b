package computectl.util;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The one command-line reader: compute_ctl's flags, the offline tools' options and the dev kit's
 * programs are all read here, the way clap (the Rust parser upstream's compute_ctl is built with)
 * reads them and with its messages. Accepted: {@code --name value}, {@code --name=value}, {@code -x
 * value}, {@code -xvalue}, {@code -x=value}, groups of short switches ({@code -hV}, where a value
 * option takes the rest of the group), and {@code --} with nothing after it. A value is never taken
 * from a following argument that looks like an option. An option may be given once unless it is
 * repeatable; an option that stops reading (help, version) ends it at once, whatever follows.
 * Errors are made by the caller's factory, so that each program throws its own usage error. {@link
 * #valueIn} finds one option in another process's command line.
 */
public final class CommandLine {
  /**
   * One option. {@code shortName} is 0 when it has none; {@code valueName} is null for a switch;
   * {@code repeatable} lets it be given more than once; {@code stops} ends reading when met.
   */
  public record Option(
      String longName, char shortName, String valueName, boolean repeatable, boolean stops) {
    /** An option that takes a value, given at most once. */
    public static Option value(String longName, char shortName, String valueName) {
      return new Option(longName, shortName, valueName, false, false);
    }

    /** A switch without a value, given at most once. */
    public static Option flag(String longName, char shortName) {
      return new Option(longName, shortName, null, false, false);
    }

    public boolean takesValue() {
      return valueName != null;
    }

    /** How errors name it, as clap does: {@code --pgdata <DATADIR>} or {@code --help}. */
    public String display() {
      return "--" + longName + (valueName == null ? "" : " <" + valueName + ">");
    }
  }

  private final List<Option> options;
  private final Function<String, ? extends RuntimeException> error;
  private final BiConsumer<Option, String> check;

  /**
   * Values by option long name. Not by {@link Option}: a record's generated hashCode and equals
   * link at first use, which costs a start about 20 ms of generated method handles that no
   * class-data archive holds.
   */
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  private Option stoppedBy;

  /** How many arguments after the current one the last option took (0 or 1). */
  private int consumed;

  private CommandLine(
      List<Option> options,
      Function<String, ? extends RuntimeException> error,
      BiConsumer<Option, String> check) {
    this.options = List.copyOf(options);
    this.error = error;
    this.check = check;
  }

  /**
   * Reads {@code args} against {@code options}.
   *
   * @param error makes the exception thrown for a bad command line from its one-line message
   * @param check sees every value as it is read (before later arguments) and throws to refuse it
   */
  public static CommandLine read(
      List<Option> options,
      String[] args,
      Function<String, ? extends RuntimeException> error,
      BiConsumer<Option, String> check) {
    CommandLine line = new CommandLine(options, error, check);
    line.readAll(args);
    return line;
  }

  /** {@link #read} without a check of the values. */
  public static CommandLine read(
      List<Option> options, String[] args, Function<String, ? extends RuntimeException> error) {
    return read(options, args, error, (o, v) -> {});
  }

  /** The option that ended reading early (help, version), or null. */
  public Option stoppedBy() {
    return stoppedBy;
  }

  public boolean has(Option option) {
    return values.containsKey(option.longName())
        || (stoppedBy != null && stoppedBy.longName().equals(option.longName()));
  }

  /** The option's value (a switch's is {@code "true"}), or null when it was not given. */
  public String get(Option option) {
    List<String> v = values.get(option.longName());
    return v == null ? null : v.get(0);
  }

  /** Every value of a repeatable option, in the order given. */
  public List<String> all(Option option) {
    return List.copyOf(values.getOrDefault(option.longName(), List.of()));
  }

  /** Fails naming every one of {@code required} that was not given. */
  public void require(List<Option> required) {
    List<String> missing = new ArrayList<>();
    for (Option o : required) {
      if (!has(o)) {
        missing.add(o.display());
      }
    }
    if (!missing.isEmpty()) {
      throw error.apply(
          "the following required argument"
              + (missing.size() == 1 ? " was" : "s were")
              + " not provided: "
              + String.join(", ", missing));
    }
  }

  /** A whole number in {@code [min, max]}, or {@code fallback} when the option is absent. */
  public int integer(Option option, int fallback, int min, int max) {
    String v = get(option);
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
    throw error.apply(
        "invalid value '"
            + v
            + "' for '--"
            + option.longName()
            + "': expected a number from "
            + min
            + " to "
            + max);
  }

  /**
   * The value of one option in a command line another process was started with (a running
   * compute_ctl's, read from /proc). Without that program's whole table the other options cannot be
   * told apart, so this looks for the one option alone: {@code --name v}, {@code --name=v}, {@code
   * -x v}, {@code -xv}, {@code -x=v}; the first occurrence wins.
   */
  public static Optional<String> valueIn(List<String> args, String longName, char shortName) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--" + longName) || (shortName != 0 && a.equals("-" + shortName))) {
        return i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
      }
      if (a.startsWith("--" + longName + "=")) {
        return Optional.of(a.substring(longName.length() + 3));
      }
      if (shortName != 0
          && a.length() > 2
          && a.startsWith("-" + shortName)
          && !a.startsWith("--")) {
        return Optional.of(a.charAt(2) == '=' ? a.substring(3) : a.substring(2));
      }
    }
    return Optional.empty();
  }

  private void readAll(String[] args) {
    for (int i = 0; i < args.length && stoppedBy == null; i++) {
      String a = args[i];
      consumed = 0;
      if (a.equals("--")) {
        if (i + 1 < args.length) {
          throw unexpected(args[i + 1]);
        }
        return;
      }
      if (a.startsWith("--")) {
        readLong(a, args, i);
      } else if (looksLikeOption(a)) {
        readShort(a, args, i);
      } else {
        throw unexpected(a);
      }
      i += consumed;
    }
  }

  private void readLong(String arg, String[] args, int i) {
    String name = arg.substring(2);
    String inline = null;
    int eq = name.indexOf('=');
    if (eq >= 0) {
      inline = name.substring(eq + 1);
      name = name.substring(0, eq);
    }
    Option option = null;
    for (Option o : options) {
      if (o.longName().equals(name)) {
        option = o;
        break;
      }
    }
    if (option == null) {
      throw unexpected("--" + name);
    }
    accept(option, inline, args, i);
  }

  private void readShort(String arg, String[] args, int i) {
    for (int j = 1; j < arg.length() && stoppedBy == null; j++) {
      char c = arg.charAt(j);
      Option option = null;
      for (Option o : options) {
        if (o.shortName() != 0 && o.shortName() == c) {
          option = o;
          break;
        }
      }
      if (option == null) {
        throw unexpected("-" + c);
      }
      if (option.takesValue()) {
        String rest = arg.substring(j + 1);
        String inline = rest.isEmpty() ? null : rest.startsWith("=") ? rest.substring(1) : rest;
        accept(option, inline, args, i);
        return;
      }
      accept(option, null, args, i);
    }
  }

  private void accept(Option option, String inline, String[] args, int i) {
    String value;
    if (!option.takesValue()) {
      if (inline != null) {
        throw error.apply(
            "unexpected value '"
                + inline
                + "' for '"
                + option.display()
                + "' found; no more were expected");
      }
      if (option.stops()) {
        stoppedBy = option;
        return;
      }
      value = "true";
    } else if (inline != null) {
      value = inline;
    } else if (i + 1 < args.length && !looksLikeOption(args[i + 1])) {
      value = args[i + 1];
      consumed = 1;
    } else {
      throw error.apply("a value is required for '" + option.display() + "' but none was supplied");
    }
    if (values.containsKey(option.longName()) && !option.repeatable()) {
      throw error.apply("the argument '" + option.display() + "' cannot be used multiple times");
    }
    check.accept(option, value);
    values.computeIfAbsent(option.longName(), o -> new ArrayList<>()).add(value);
  }

  private static boolean looksLikeOption(String arg) {
    return arg.startsWith("-") && arg.length() > 1;
  }

  private RuntimeException unexpected(String arg) {
    return error.apply("unexpected argument '" + arg + "' found");
  }
}

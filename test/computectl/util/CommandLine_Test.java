package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shared reader's own rules, beyond what compute_ctl's flags exercise (ArgsParser_Test):
 * repeatable options, the stopping option, required options and whole numbers.
 */
class CommandLine_Test {
  static final CommandLine.Option NAME = CommandLine.Option.value("name", 'n', "NAME");
  static final CommandLine.Option TAG = new CommandLine.Option("tag", 't', "TAG", true, false);
  static final CommandLine.Option QUIET = CommandLine.Option.flag("quiet", 'q');
  static final CommandLine.Option HELP = new CommandLine.Option("help", 'h', null, false, true);
  static final List<CommandLine.Option> ALL = List.of(NAME, TAG, QUIET, HELP);

  static CommandLine read(String... args) {
    return CommandLine.read(ALL, args, IllegalArgumentException::new);
  }

  static String error(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> read(args)).getMessage();
  }

  @Test
  void read_valuesInEveryForm() {
    assertEquals("a", read("--name", "a").get(NAME));
    assertEquals("a=b", read("--name=a=b").get(NAME));
    assertEquals("a", read("-na").get(NAME));
    assertEquals("a", read("-n=a").get(NAME));
    assertEquals("a", read("-qn", "a").get(NAME));
    CommandLine none = read();
    assertNull(none.get(NAME));
    assertFalse(none.has(QUIET));
    assertTrue(read("-q").has(QUIET));
  }

  @Test
  void read_repeatableKeepsOrderOthersOnce() {
    assertEquals(List.of("x", "y"), read("--tag", "x", "-t", "y").all(TAG));
    assertEquals(
        "the argument '--name <NAME>' cannot be used multiple times", error("-n", "a", "-n", "b"));
  }

  @Test
  void read_stopsAtHelpWhateverFollows() {
    CommandLine line = read("-q", "--help", "--bogus");
    assertEquals(HELP, line.stoppedBy());
    assertTrue(line.has(HELP));
    assertTrue(line.has(QUIET));
    assertEquals("unexpected argument '--bogus' found", error("--bogus=1", "--help"));
  }

  @Test
  void read_errorsNameTheArgument() {
    assertEquals("unexpected argument 'extra' found", error("extra"));
    assertEquals("unexpected argument 'extra' found", error("--", "extra"));
    assertEquals("unexpected argument '-x' found", error("-qx"));
    assertEquals(
        "a value is required for '--name <NAME>' but none was supplied", error("--name", "-q"));
    assertEquals(
        "unexpected value 'yes' for '--quiet' found; no more were expected", error("--quiet=yes"));
  }

  @Test
  void read_checkSeesEachValueBeforeLaterArguments() {
    List<String> seen = new ArrayList<>();
    assertThrows(
        IllegalStateException.class,
        () ->
            CommandLine.read(
                ALL,
                new String[] {"-n", "bad", "--bogus"},
                IllegalArgumentException::new,
                (o, v) -> {
                  seen.add(o.longName() + "=" + v);
                  throw new IllegalStateException(v);
                }));
    assertEquals(List.of("name=bad"), seen);
  }

  @Test
  void require_namesEveryMissingOption() {
    CommandLine line = read("-q");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> line.require(List.of(NAME, TAG)));
    assertEquals(
        "the following required arguments were not provided: --name <NAME>, --tag <TAG>",
        e.getMessage());
    read("-n", "a").require(List.of(NAME));
  }

  @Test
  void integer_inRangeOrFallbackOrNamedError() {
    assertEquals(7, read("-n", " 7 ").integer(NAME, 1, 0, 9));
    assertEquals(1, read().integer(NAME, 1, 0, 9));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> read("-n", "10").integer(NAME, 1, 0, 9));
    assertEquals("invalid value '10' for '--name': expected a number from 0 to 9", e.getMessage());
  }

  @Test
  void valueIn_findsOneOptionInAnotherCommandLine() {
    List<String> args =
        List.of("--unknown", "x", "-D/data", "--external-http-port=3080", "--spec-path", "/s");
    assertEquals("/data", CommandLine.valueIn(args, "pgdata", 'D').orElseThrow());
    assertEquals("3080", CommandLine.valueIn(args, "external-http-port", '\0').orElseThrow());
    assertEquals("/s", CommandLine.valueIn(args, "spec-path", 'S').orElseThrow());
    assertEquals("v", CommandLine.valueIn(List.of("-S=v"), "spec-path", 'S').orElseThrow());
    assertTrue(CommandLine.valueIn(args, "spec", 's').isEmpty());
    assertTrue(CommandLine.valueIn(List.of("--spec"), "spec", 's').isEmpty());
  }
}

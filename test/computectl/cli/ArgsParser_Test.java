package computectl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ArgsParser_Test {
  private static final String URL = "postgresql://cloud_admin@localhost:55433/postgres";
  private static final List<String> REQUIRED =
      List.of("-D", "/pgdata", "-C", URL, "-i", "compute-1");

  private static Args parse(String... args) {
    return ArgsParser.parse(args, Map.of());
  }

  /** The required flags plus -S and {@code extra}. */
  private static Args parseWith(String... extra) {
    List<String> all = new ArrayList<>(REQUIRED);
    all.addAll(List.of("-S", "/spec.json"));
    all.addAll(Arrays.asList(extra));
    return ArgsParser.parse(all.toArray(String[]::new), Map.of());
  }

  @Test
  void parse_appliesTheDefaults() {
    Args a = parseWith();
    assertEquals("postgres", a.pgbin());
    assertNull(a.remoteExtConfig());
    assertEquals(3080, a.externalHttpPort());
    assertEquals(3081, a.internalHttpPort());
    assertEquals("/pgdata", a.pgdata());
    assertEquals(URL, a.connstr());
    assertEquals("neon-postgres", a.cgroup());
    assertEquals(
        "host=localhost port=5432 dbname=postgres user=cloud_admin sslmode=disable"
            + " application_name=vm-monitor",
        a.filecacheConnstr());
    assertEquals("0.0.0.0:10301", a.vmMonitorAddr());
    assertFalse(a.resizeSwapOnBind());
    assertNull(a.setDiskQuotaForFs());
    assertNull(a.spec());
    assertEquals("/spec.json", a.specPath());
    assertEquals("compute-1", a.computeId());
    assertNull(a.controlPlaneUri());
    assertFalse(a.help());
    assertFalse(a.version());
    assertEquals(Args.SpecSourceKind.FILE, a.specSource());
  }

  /** Each flag in every accepted form, with the value it must produce. */
  static Stream<Arguments> flagForms() {
    return Stream.of(
        form(Args::pgbin, "/usr/local/bin/postgres", "-b", "--pgbin"),
        form(Args::remoteExtConfig, "http://ext.local", "-r", "--remote-ext-config"),
        form(Args::externalHttpPort, 8080, "--external-http-port"),
        form(Args::internalHttpPort, 0, "--internal-http-port"),
        form(Args::pgdata, "/var/db/postgres/compute", "-D", "--pgdata"),
        form(Args::connstr, "postgres://u:p@h:5/d?sslmode=disable", "-C", "--connstr"),
        form(Args::cgroup, "other-cgroup", "--cgroup"),
        form(Args::filecacheConnstr, "host=h port=1", "--filecache-connstr"),
        form(Args::vmMonitorAddr, "127.0.0.1:1", "--vm-monitor-addr"),
        form(Args::setDiskQuotaForFs, "/var/db", "--set-disk-quota-for-fs"),
        form(Args::specPath, "/other.json", "-S", "--spec-path"),
        form(Args::computeId, "compute-42", "-i", "--compute-id"));
  }

  private static Arguments form(Function<Args, Object> field, Object expected, String... names) {
    return Arguments.of(field, expected, List.of(names));
  }

  @ParameterizedTest
  @MethodSource("flagForms")
  void parse_acceptsEveryFormOfEachFlag(
      Function<Args, Object> field, Object expected, List<String> names) {
    String v = String.valueOf(expected);
    for (String name : names) {
      List<List<String>> forms = new ArrayList<>();
      forms.add(List.of(name, v));
      if (name.startsWith("--")) {
        forms.add(List.of(name + "=" + v));
      } else {
        forms.add(List.of(name + v));
        forms.add(List.of(name + "=" + v));
      }
      for (List<String> form : forms) {
        List<String> args = new ArrayList<>(List.of("-s", "{}"));
        for (int i = 0; i < REQUIRED.size(); i += 2) {
          if (!names.contains(REQUIRED.get(i))) {
            args.addAll(REQUIRED.subList(i, i + 2));
          }
        }
        args.addAll(form);
        assertEquals(
            expected,
            field.apply(ArgsParser.parse(args.toArray(String[]::new), Map.of())),
            form.toString());
      }
    }
  }

  @Test
  void parse_readsTheSwitchAndTheSpecSources() {
    assertTrue(parseWith("--resize-swap-on-bind").resizeSwapOnBind());
    Args inline = parseWith("-s", "{\"format_version\": 1}");
    assertEquals("{\"format_version\": 1}", inline.spec());
    assertEquals(Args.SpecSourceKind.INLINE, inline.specSource());
    assertEquals("{}", parseWith("--spec={}").spec());
    Args cp =
        ArgsParser.parse(
            new String[] {"-D", "/d", "-C", URL, "-i", "c", "-p", "http://cplane:9090"}, Map.of());
    assertEquals("http://cplane:9090", cp.controlPlaneUri());
    assertEquals(Args.SpecSourceKind.CONTROL_PLANE, cp.specSource());
    assertEquals(
        "http://cp",
        ArgsParser.parse(
                new String[] {"-D", "/d", "-C", URL, "-i", "c", "--control-plane-uri=http://cp"},
                Map.of())
            .controlPlaneUri());
  }

  @Test
  void parse_takesPgbinFromPostgresPathUnlessGiven() {
    String[] args = {"-D", "/d", "-C", URL, "-i", "c", "-S", "/s"};
    assertEquals(
        "/env/postgres", ArgsParser.parse(args, Map.of("POSTGRES_PATH", "/env/postgres")).pgbin());
    assertEquals("postgres", ArgsParser.parse(args, Map.of("POSTGRES_PATH", "")).pgbin());
    String[] withFlag = {"-D", "/d", "-C", URL, "-i", "c", "-S", "/s", "-b", "/flag/postgres"};
    assertEquals(
        "/flag/postgres",
        ArgsParser.parse(withFlag, Map.of("POSTGRES_PATH", "/env/postgres")).pgbin());
  }

  @Test
  void parse_normalisesTheRemoteExtConfigAsUpstream() {
    assertEquals(
        "http://ext.local/base", parseWith("-r", "http://ext.local/base///").remoteExtConfig());
    assertEquals("https://ext.local", parseWith("-r", "https://ext.local").remoteExtConfig());
    assertEquals(
        "http://pg-ext-s3-gateway",
        parseWith("-r", "{\"bucket\": \"b\", \"region\": \"r\"}").remoteExtConfig());
  }

  @Test
  void parse_letsSpecWinOverSpecPath() {
    Args a = parseWith("-s", "{}");
    assertEquals(Args.SpecSourceKind.INLINE, a.specSource());
    assertEquals("/spec.json", a.specPath());
  }

  @Test
  void parse_stopsAtHelpOrVersionWithoutRequiringFlags() {
    assertTrue(parse("--help").help());
    assertTrue(parse("-h").help());
    assertTrue(parse("-D", "/d", "-h", "--bogus").help());
    assertTrue(parse("--version").version());
    assertTrue(parse("-V").version());
    assertTrue(parse("-hV").help());
    assertFalse(parse("-V").help());
  }

  static Stream<Arguments> badCommandLines() {
    List<String> req = REQUIRED;
    return Stream.of(
        bad("unexpected argument '--http-port' found", req, "-S", "/s", "--http-port", "3080"),
        bad("unexpected argument '--bogus' found", List.of(), "--bogus=1", "--help"),
        bad("unexpected argument '-x' found", req, "-S", "/s", "-x"),
        bad("unexpected argument 'extra' found", req, "-S", "/s", "extra"),
        bad("unexpected argument 'extra' found", req, "-S", "/s", "--", "extra"),
        bad(
            "a value is required for '--pgdata <DATADIR>' but none was supplied",
            List.of(),
            "-C",
            URL,
            "-i",
            "c",
            "-S",
            "/s",
            "-D"),
        bad(
            "a value is required for '--pgdata <DATADIR>' but none was supplied",
            List.of(),
            "--pgdata",
            "--connstr",
            URL),
        bad("a value is required for '--spec-path <SPEC_PATH>' but none was supplied", req, "-S"),
        bad(
            "a value is required for '--external-http-port <EXTERNAL_HTTP_PORT>' but none was"
                + " supplied",
            req,
            "-S",
            "/s",
            "--external-http-port",
            "-1"),
        bad(
            "the following required argument was not provided: --pgdata <DATADIR>",
            List.of(),
            "-C",
            URL,
            "-i",
            "c",
            "-S",
            "/s"),
        bad(
            "the following required argument was not provided: --connstr <DATABASE_URL>",
            List.of(),
            "-D",
            "/d",
            "-i",
            "c",
            "-S",
            "/s"),
        bad(
            "the following required argument was not provided: --compute-id <COMPUTE_ID>",
            List.of(),
            "-D",
            "/d",
            "-C",
            URL,
            "-S",
            "/s"),
        bad(
            "the following required arguments were not provided: --pgdata <DATADIR>, --connstr"
                + " <DATABASE_URL>, --compute-id <COMPUTE_ID>",
            List.of()),
        bad(
            "the argument '--control-plane-uri <CONTROL_PLANE_API_BASE_URL>' cannot be used with"
                + " '--spec <SPEC>'",
            req,
            "-p",
            "http://cp",
            "-s",
            "{}"),
        bad(
            "the argument '--control-plane-uri <CONTROL_PLANE_API_BASE_URL>' cannot be used with"
                + " '--spec-path <SPEC_PATH>'",
            req,
            "-S",
            "/s",
            "-p",
            "http://cp"),
        bad(
            "must specify --control-plane-uri <CONTROL_PLANE_API_BASE_URL>, --spec <SPEC> or"
                + " --spec-path <SPEC_PATH>",
            req),
        bad(
            "invalid value 'abc' for '--external-http-port <EXTERNAL_HTTP_PORT>': expected a port"
                + " number from 0 to 65535",
            req,
            "-S",
            "/s",
            "--external-http-port",
            "abc"),
        bad(
            "invalid value '65536' for '--internal-http-port <INTERNAL_HTTP_PORT>': expected a port"
                + " number from 0 to 65535",
            req,
            "-S",
            "/s",
            "--internal-http-port=65536"),
        bad(
            "invalid value '-1' for '--external-http-port <EXTERNAL_HTTP_PORT>': expected a port"
                + " number from 0 to 65535",
            req,
            "-S",
            "/s",
            "--external-http-port=-1"),
        bad(
            "invalid value '' for '--external-http-port <EXTERNAL_HTTP_PORT>': expected a port"
                + " number from 0 to 65535",
            req,
            "-S",
            "/s",
            "--external-http-port="),
        bad(
            "invalid value for '--connstr <DATABASE_URL>': cannot parse connstr as a URL",
            List.of(),
            "-D",
            "/d",
            "-C",
            "host=localhost port=5432 password=secret",
            "-i",
            "c",
            "-S",
            "/s"),
        bad(
            "invalid value for '--connstr <DATABASE_URL>': cannot parse connstr as a URL",
            List.of(),
            "-D",
            "/d",
            "--connstr=http://localhost/db",
            "-i",
            "c",
            "-S",
            "/s"),
        bad(
            "invalid value for '--connstr <DATABASE_URL>': cannot parse connstr as a URL",
            List.of(),
            "-D",
            "/d",
            "-Cpostgresql://bad host/db",
            "-i",
            "c",
            "-S",
            "/s"),
        bad(
            "the argument '--pgdata <DATADIR>' cannot be used multiple times",
            req,
            "-S",
            "/s",
            "--pgdata",
            "/other"),
        bad(
            "unexpected value 'yes' for '--resize-swap-on-bind' found; no more were expected",
            req,
            "-S",
            "/s",
            "--resize-swap-on-bind=yes"),
        bad(
            "unexpected value 'x' for '--help' found; no more were expected",
            List.of(),
            "--help=x"),
        bad("unexpected argument '-' found", req, "-S", "/s", "-"));
  }

  private static Arguments bad(String message, List<String> base, String... more) {
    List<String> args = new ArrayList<>(base);
    args.addAll(Arrays.asList(more));
    return Arguments.of(message, args);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("badCommandLines")
  void parse_refusesWithAOneLineUsageError(String message, List<String> args) {
    UsageException e =
        assertThrows(
            UsageException.class, () -> ArgsParser.parse(args.toArray(String[]::new), Map.of()));
    assertEquals(message, e.getMessage());
    assertEquals(2, e.exitCode());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void toString_hidesTheInlineSpecAndConnstrPassword() {
    Args a =
        ArgsParser.parse(
            new String[] {
              "-D",
              "/d",
              "-C",
              "postgresql://admin:hunter2@h:5432/db",
              "-i",
              "c",
              "-s",
              "{\"storage_auth_token\": \"sekret\"}"
            },
            Map.of());
    assertFalse(a.toString().contains("hunter2"));
    assertFalse(a.toString().contains("sekret"));
    assertTrue(a.toString().contains("postgresql://admin:***@h:5432/db"));
    assertTrue(a.toString().contains("spec=<32 chars>"));
  }

  @Test
  void redactPassword_leavesUrlsWithoutPasswordAlone() {
    assertEquals("postgresql://u@h/db", Args.redactPassword("postgresql://u@h/db"));
    assertEquals(
        "postgresql://h:5432/db?x=a@b", Args.redactPassword("postgresql://h:5432/db?x=a@b"));
    assertEquals("postgresql://u:***@h/d", Args.redactPassword("postgresql://u:p@ss@h/d"));
  }
}

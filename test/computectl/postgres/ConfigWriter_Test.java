package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.postgres.ConfigWriter.HostOs;
import computectl.postgres.ConfigWriter.Options;
import computectl.spec.ComputeSpec;
import computectl.spec.GenericOption;
import computectl.spec.SpecParser;
import computectl.standin.SpecBuilder;
import computectl.testsupport.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigWriter_Test {
  private static final Options LINUX = new Options(3081, false, "0\n", HostOs.LINUX);

  private static String render(SpecBuilder b) {
    return ConfigWriter.render(b.parse(), LINUX);
  }

  /**
   * A typical primary: every storage field, a stripe size, an integer and a string setting, and a
   * {@code postgresql_conf} line.
   */
  private static SpecBuilder example() {
    return SpecBuilder.spec()
        .pageserver("postgresql://no_user@127.0.0.1:64000")
        .shardStripeSize(32768)
        .safekeepers("127.0.0.1:5454")
        .tenant(SpecBuilder.TENANT)
        .timeline(SpecBuilder.TIMELINE)
        .postgresqlConf("port=55432")
        .setting("max_connections", "100", "integer")
        .setting("listen_addresses", "0.0.0.0", "string");
  }

  private static List<String> lines(String text) {
    assertTrue(text.endsWith("\n"), "every line ends with a newline");
    return List.of(text.substring(0, text.length() - 1).split("\n", -1));
  }

  @Test
  void render_matchesReferenceExampleByteForByte() {
    String expected =
        String.join(
            "\n",
            "port=55432",
            "# Neon storage settings",
            "neon.pageserver_connstring='postgresql://no_user@127.0.0.1:64000'",
            "neon.stripe_size=32768",
            "neon.safekeepers='127.0.0.1:5454'",
            "neon.tenant_id='b0554b632bd4d547a63b86c3630317e8'",
            "neon.timeline_id='2414a61ffc94e428f14b5758fe308e13'",
            "lc_messages='C.UTF-8'",
            "lc_monetary='C.UTF-8'",
            "lc_time='C.UTF-8'",
            "lc_numeric='C.UTF-8'",
            "neon.compute_mode=primary",
            "# Managed by compute_ctl: begin",
            "max_connections = 100",
            "listen_addresses = '0.0.0.0'",
            "# Managed by compute_ctl: end",
            "neon.extension_server_port=3081",
            "neon.disable_logical_replication_subscribers=false",
            "include_if_exists = 'compute_ctl_temp_override.conf'",
            "");
    assertEquals(expected, render(example()));
  }

  @Test
  void render_bareSpecHasOnlyTheAlwaysPresentLines() {
    assertEquals(
        List.of(
            "# Neon storage settings",
            "lc_messages='C.UTF-8'",
            "lc_monetary='C.UTF-8'",
            "lc_time='C.UTF-8'",
            "lc_numeric='C.UTF-8'",
            "neon.compute_mode=primary",
            "neon.extension_server_port=3081",
            "neon.disable_logical_replication_subscribers=false",
            "include_if_exists = 'compute_ctl_temp_override.conf'"),
        lines(render(SpecBuilder.spec())));
  }

  @Test
  void settingsBlock_fixtureSpecMatchesUpstreamVectors() throws Exception {
    ComputeSpec spec = SpecParser.parseSpec(Fixtures.read("specs/compute-spec.json"));
    String block = ConfigWriter.settingsBlock(spec.cluster().settings());
    List<String> lines = lines(block);
    assertEquals(spec.cluster().settings().size(), lines.size());
    assertEquals("fsync = off", lines.get(0));
    assertEquals("wal_level = logical", lines.get(1));
    assertEquals("neon.safekeepers = '127.0.0.1:7502,127.0.0.1:7503,127.0.0.1:7501'", lines.get(3));
    assertEquals("shared_buffers = 32768", lines.get(6));
    assertEquals("listen_addresses = '0.0.0.0'", lines.get(10));
    assertEquals("neon.tenant_id = '9f8e7d6c5b4a39281706f5e4d3c2b1a0'", lines.get(16));
    assertEquals(
        "test.escaping = 'one quote '' one backslash \\\\ one double quote \" the end'",
        lines.get(lines.size() - 1));
    String whole = ConfigWriter.render(spec, LINUX);
    assertTrue(
        whole.contains(
            "# Managed by compute_ctl: begin\n" + block + "# Managed by compute_ctl: end\n"),
        whole);
    assertTrue(
        whole.startsWith("# Neon storage settings\nlc_messages="),
        "fixture has no top-level storage fields");
  }

  @Test
  void settingLine_followsVartypeAndNull() {
    assertEquals(
        "a = 'x''y\\\\z'", ConfigWriter.settingLine(new GenericOption("a", "x'y\\z", "string")));
    assertEquals("b = on", ConfigWriter.settingLine(new GenericOption("b", "on", "bool")));
    assertEquals(
        "c = it's raw", ConfigWriter.settingLine(new GenericOption("c", "it's raw", "enum")));
    assertEquals("d", ConfigWriter.settingLine(new GenericOption("d", null, "string")));
  }

  @Test
  void escape_doublesQuotesAndBackslashesAndAlwaysQuotes() {
    assertEquals("''", ConfigWriter.escape(""));
    assertEquals("'plain'", ConfigWriter.escape("plain"));
    assertEquals("'a''b\\\\c'", ConfigWriter.escape("a'b\\c"));
  }

  @Test
  void render_emptySettingsGiveOneEmptyLineBetweenMarkers() {
    SpecBuilder b = SpecBuilder.spec();
    b.emptySettings();
    assertTrue(
        render(b).contains("# Managed by compute_ctl: begin\n\n# Managed by compute_ctl: end\n"));
    b.noSettings();
    assertFalse(render(b).contains("Managed by compute_ctl: begin"));
  }

  @Test
  void render_safekeepersWithGenerationAndEscaping() {
    SpecBuilder b = SpecBuilder.spec();
    b.safekeepers("sk1:5454", "sk'2:5454");
    b.safekeepersGeneration(7);
    b.pageserver("host=ps password=a\\b");
    assertTrue(
        render(b)
            .startsWith(
                "# Neon storage settings\n"
                    + "neon.pageserver_connstring='host=ps password=a\\\\b'\n"
                    + "neon.safekeepers='g#7:sk1:5454,sk''2:5454'\n"
                    + "lc_messages="));
  }

  @Test
  void render_tlsLinesFollowTheStorageBlock() {
    String text =
        ConfigWriter.render(example().parse(), new Options(3081, true, null, HostOs.LINUX));
    assertTrue(
        text.contains(
            "neon.timeline_id='2414a61ffc94e428f14b5758fe308e13'\n"
                + "ssl = on\n"
                + "ssl_cert_file = 'server.crt'\n"
                + "ssl_key_file = 'server.key'\n"
                + "lc_messages='C.UTF-8'\n"),
        text);
    assertFalse(render(example()).contains("ssl"));
  }

  @Test
  void render_macOsUsesCLocaleAndNoMmapCheck() {
    String text =
        ConfigWriter.render(
            SpecBuilder.spec().parse(), new Options(3081, false, "2", HostOs.MACOS));
    assertTrue(
        text.contains("lc_messages='C'\nlc_monetary='C'\nlc_time='C'\nlc_numeric='C'\n"), text);
    assertFalse(text.contains("dynamic_shared_memory_type"));
  }

  @Test
  void render_mmapLineOnlyWhenOvercommitIsTwoOnLinux() {
    String mmap =
        "neon.compute_mode=primary\ndynamic_shared_memory_type = mmap\nneon.extension_server_port";
    assertTrue(
        ConfigWriter.render(SpecBuilder.spec().parse(), new Options(1, false, "2\n", HostOs.LINUX))
            .contains(mmap));
    assertTrue(
        ConfigWriter.render(SpecBuilder.spec().parse(), new Options(1, false, " 2 ", HostOs.LINUX))
            .contains(mmap));
    for (String other : new String[] {"0\n", "1", "", null}) {
      assertFalse(
          ConfigWriter.render(
                  SpecBuilder.spec().parse(), new Options(1, false, other, HostOs.LINUX))
              .contains("dynamic_shared_memory_type"),
          "overcommit " + other);
    }
    assertFalse(
        ConfigWriter.render(SpecBuilder.spec().parse(), new Options(1, false, "2", HostOs.OTHER))
            .contains("dynamic_shared_memory_type"));
  }

  @Test
  void render_staticAndReplicaModeLines() {
    SpecBuilder b = SpecBuilder.spec();
    b.staticAt("0/16b3748");
    assertTrue(
        render(b)
            .contains(
                "lc_numeric='C.UTF-8'\nneon.compute_mode=static\nhot_standby=on\n"
                    + "recovery_target_lsn='0/16B3748'\nneon.extension_server_port=3081\n"),
        render(b));
    b.mode("Replica");
    assertTrue(
        render(b)
            .contains(
                "\nneon.compute_mode=replica\nhot_standby=on\nneon.extension_server_port=3081\n"));
  }

  @Test
  void render_auditLogBlockAppendsPgaudit() {
    SpecBuilder b = example();
    b.auditLogLevel("Log");
    b.noSettings().setting("shared_preload_libraries", "neon,pg_stat_statements", "string");
    assertTrue(
        render(b)
            .contains(
                "shared_preload_libraries = 'neon,pg_stat_statements'\n"
                    + "# Managed by compute_ctl: end\n"
                    + "# Managed by compute_ctl base audit settings: start\n"
                    + "pgaudit.log='ddl,role'\n"
                    + "pgaudit.log_catalog=off\n"
                    + "shared_preload_libraries='neon,pg_stat_statements,pgaudit'\n"
                    + "# Managed by compute_ctl base audit settings: end\n"
                    + "neon.extension_server_port=3081\n"),
        render(b));
    b.noSettings().setting("shared_preload_libraries", "neon,pgaudit", "string");
    assertTrue(render(b).contains("\nshared_preload_libraries='neon,pgaudit'\n"));
    b.noSettings().setting("shared_preload_libraries", null, "string");
    assertTrue(render(b).contains("\nshared_preload_libraries='neon,pgaudit'\n"));
    b.noSettings();
    assertTrue(render(b).contains("\nshared_preload_libraries='neon,pgaudit'\n"));
  }

  @Test
  void render_hipaaBlockAppendsBothLibraries() {
    SpecBuilder b = SpecBuilder.spec();
    b.auditLogLevel("Hipaa");
    assertTrue(
        render(b)
            .contains(
                "neon.compute_mode=primary\n"
                    + "# Managed by compute_ctl compliance audit settings: begin\n"
                    + "pgaudit.log='all, -misc'\n"
                    + "pgaudit.log_parameter=on\n"
                    + "pgaudit.log_catalog=off\n"
                    + "pgaudit.log_rotation_age=5\n"
                    + "shared_preload_libraries='neon,pgaudit,pgauditlogtofile'\n"
                    + "# Managed by compute_ctl compliance audit settings: end\n"
                    + "neon.extension_server_port=3081\n"),
        render(b));
    b.noSettings().setting("shared_preload_libraries", "neon", "string");
    assertTrue(render(b).contains("\nshared_preload_libraries='neon,pgaudit,pgauditlogtofile'\n"));
    // "pgauditlogtofile" contains "pgaudit", so upstream's substring test adds nothing.
    b.noSettings().setting("shared_preload_libraries", "neon,pgauditlogtofile", "string");
    assertTrue(render(b).contains("\nshared_preload_libraries='neon,pgauditlogtofile'\n"));
  }

  @Test
  void render_dropSubscriptionsAndLogsExportLines() {
    SpecBuilder b = SpecBuilder.spec();
    b.dropSubscriptionsBeforeStart();
    b.features("postgres_logs_export");
    assertTrue(
        render(b)
            .endsWith(
                "neon.extension_server_port=3081\n"
                    + "neon.disable_logical_replication_subscribers=true\n"
                    + "log_destination='stderr,syslog'\n"
                    + "include_if_exists = 'compute_ctl_temp_override.conf'\n"),
        render(b));
    b.features("activity_monitor_experimental");
    assertFalse(render(b).contains("log_destination"));
  }

  @Test
  void render_postgresqlConfIsVerbatimPlusNewline() {
    SpecBuilder b = SpecBuilder.spec();
    b.postgresqlConf("a=1\nb = 'two'\n");
    assertTrue(render(b).startsWith("a=1\nb = 'two'\n\n# Neon storage settings\n"));
  }

  @Test
  void write_truncatesAnExistingFile() throws Exception {
    Path dir = Files.createTempDirectory("confwriter-");
    Files.writeString(dir.resolve("postgresql.conf"), "x".repeat(10_000));
    ConfigWriter.write(dir, example().parse(), LINUX);
    assertEquals(render(example()), Files.readString(dir.resolve("postgresql.conf")));
    PgData.deleteTree(dir);
  }
}

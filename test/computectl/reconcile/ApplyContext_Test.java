package computectl.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ApplyContext_Test {
  private static int startup(String maxConnections) {
    return ApplyContext.startupConcurrency(
        Specs.builder().setting("max_connections", maxConnections, "integer").build());
  }

  @Test
  void startupConcurrency_followsMaxConnectionsRule() {
    assertEquals(5, startup("5"));
    assertEquals(9, startup("9"));
    assertEquals(10, startup("10"));
    assertEquals(10, startup("29"));
    assertEquals(10, startup("30"));
    assertEquals(33, startup("100"));
    assertEquals(10, startup("lots"), "unparsable: default");
    assertEquals(10, startup(" 100"), "settings values are not trimmed");
    assertEquals(10, startup("-5"));
  }

  @Test
  void startupConcurrency_zeroIsRaisedToOne() {
    assertEquals(1, startup("0"), "upstream would wait forever with zero permits");
  }

  @Test
  void startupConcurrency_readsPostgresqlConfWhenSettingAbsent() {
    String conf =
        "# max_connections = 12\n"
            + "shared_buffers=1MB\n"
            + "max_connections_x = 90\n"
            + "max_connections = 60 # comment\n"
            + "  max_connections =  300  \n";
    assertEquals(
        100, ApplyContext.startupConcurrency(Specs.builder().postgresqlConf(conf).build()));
    assertEquals(
        10, ApplyContext.startupConcurrency(Specs.builder().build()), "nothing: default 10");
    assertEquals(
        2,
        ApplyContext.startupConcurrency(
            Specs.builder().postgresqlConf("max_connections=2").build()));
  }

  @Test
  void startupConcurrency_nullSettingValueFallsBackToConf() {
    assertEquals(
        4,
        ApplyContext.startupConcurrency(
            Specs.builder()
                .setting("max_connections", null, "integer")
                .postgresqlConf("max_connections = 4")
                .build()));
  }

  @Test
  void of_reconfigureUsesReconfigureConcurrency() {
    assertEquals(
        1,
        ApplyContext.of(
                ApplyMode.RECONFIGURE,
                Specs.builder().setting("max_connections", "100", "integer").build(),
                null)
            .concurrency());
    assertEquals(
        7,
        ApplyContext.of(
                ApplyMode.RECONFIGURE, Specs.builder().reconfigureConcurrency(7).build(), null)
            .concurrency());
    assertEquals(
        33,
        ApplyContext.of(
                ApplyMode.STARTUP,
                Specs.builder().setting("max_connections", "100", "integer").build(),
                "t")
            .concurrency());
  }
}

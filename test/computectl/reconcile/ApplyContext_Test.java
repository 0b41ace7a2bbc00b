package computectl.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import computectl.standin.SpecBuilder;
import org.junit.jupiter.api.Test;

class ApplyContext_Test {
  private static int startup(String maxConnections) {
    return ApplyContext.startupConcurrency(
        SpecBuilder.spec().setting("max_connections", maxConnections, "integer").parse());
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
        100, ApplyContext.startupConcurrency(SpecBuilder.spec().postgresqlConf(conf).parse()));
    assertEquals(
        10, ApplyContext.startupConcurrency(SpecBuilder.spec().parse()), "nothing: default 10");
    assertEquals(
        2,
        ApplyContext.startupConcurrency(
            SpecBuilder.spec().postgresqlConf("max_connections=2").parse()));
  }

  @Test
  void startupConcurrency_nullSettingValueFallsBackToConf() {
    assertEquals(
        4,
        ApplyContext.startupConcurrency(
            SpecBuilder.spec()
                .setting("max_connections", null, "integer")
                .postgresqlConf("max_connections = 4")
                .parse()));
  }

  @Test
  void of_reconfigureUsesReconfigureConcurrency() {
    assertEquals(
        1,
        ApplyContext.of(
                ApplyMode.RECONFIGURE,
                SpecBuilder.spec().setting("max_connections", "100", "integer").parse(),
                null)
            .concurrency());
    assertEquals(
        7,
        ApplyContext.of(
                ApplyMode.RECONFIGURE, SpecBuilder.spec().reconfigureConcurrency(7).parse(), null)
            .concurrency());
    assertEquals(
        33,
        ApplyContext.of(
                ApplyMode.STARTUP,
                SpecBuilder.spec().setting("max_connections", "100", "integer").parse(),
                "t")
            .concurrency());
  }
}

package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.eclipsesource.json.Json;
import computectl.postgres.TempOverride;
import computectl.spec.ComputeSpec;
import computectl.spec.SpecParser;
import computectl.standin.SpecBuilder;
import org.junit.jupiter.api.Test;

/** What a start writes to the temporary override before Postgres starts. */
class SpecApplier_Test {
  private static ComputeSpec parse(SpecBuilder b) {
    return SpecParser.parseSpec(b.json());
  }

  @Test
  void startOverride_aPrimaryThatUpdatesItsCatalog_liftsTheSizeLimit() {
    assertEquals(
        TempOverride.NO_SIZE_LIMIT, SpecApplier.startOverride(parse(SpecBuilder.validPrimary())));
  }

  @Test
  void startOverride_noCatalogUpdates_nothing() {
    assertNull(
        SpecApplier.startOverride(
            parse(SpecBuilder.validPrimary().set("skip_pg_catalog_updates", Json.TRUE))));
  }

  @Test
  void startOverride_aReplicaOrStaticCompute_nothing() {
    assertNull(SpecApplier.startOverride(parse(SpecBuilder.validPrimary().mode("Replica"))));
    assertNull(SpecApplier.startOverride(parse(SpecBuilder.validPrimary().staticAt("0/16B3748"))));
  }
}

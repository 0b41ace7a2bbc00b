package computectl.standin;

import computectl.testsupport.TestPg;
import java.io.IOException;
import java.io.UncheckedIOException;

/** One Neon-shaped basebackup per test JVM (making one starts and stops a real cluster). */
public final class StandInFixture {
  private static BasebackupTar backup;

  private StandInFixture() {}

  public static synchronized BasebackupTar neonLikeBackup() {
    if (backup == null) {
      try {
        backup =
            StandInBasebackup.create(
                TestPg.install(), TestPg.workDir("standin-bb-"), TestPg.freePort());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return backup;
  }
}

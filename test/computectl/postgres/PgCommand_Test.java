package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgCommand_Test {
  @Test
  void command_plainWithoutAutoscaling() {
    PgCommand c = PgCommand.of("/usr/local/bin/postgres", Map.of("PATH", "/bin"), List.of());
    assertEquals(List.of("/usr/local/bin/postgres", "-D", "/pgdata"), c.command("-D", "/pgdata"));
  }

  @Test
  void command_wrappedInCgexecWhenAutoscalingIsPresent() {
    PgCommand c = PgCommand.of("/usr/local/bin/postgres", Map.of("AUTOSCALING", ""), List.of());
    assertEquals(
        List.of(
            "cgexec",
            "-g",
            "memory:neon-postgres",
            "/usr/local/bin/postgres",
            "--sync-safekeepers"),
        c.command("--sync-safekeepers"));
  }

  @Test
  void command_prefixComesFirst() {
    PgCommand c =
        PgCommand.of("/pg/postgres", Map.of("AUTOSCALING", "true"), List.of("setpriv", "--"));
    assertEquals(
        List.of("setpriv", "--", "cgexec", "-g", "memory:neon-postgres", "/pg/postgres", "-D", "d"),
        c.command("-D", "d"));
  }

  @Test
  void siblingCommand_usesThePgbinDirectoryAndNoCgroup() {
    PgCommand c = PgCommand.of("/usr/local/bin/postgres", Map.of("AUTOSCALING", "1"), List.of("p"));
    assertEquals(
        List.of("p", "/usr/local/bin/pg_ctl", "reload", "-D", "/d"),
        c.siblingCommand("pg_ctl", "reload", "-D", "/d"));
    assertEquals("initdb", PgCommand.sibling("postgres", "initdb"));
    assertEquals("/initdb", PgCommand.sibling("/postgres", "initdb"));
  }
}

package computectl.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.postgres.PgConnector;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The executor's lanes for statements about several databases, against a real server. */
class PlanExecutor_Test {
  private static TestDb db;

  @BeforeAll
  static void start() {
    db = TestDb.start();
    db.exec("postgres", "CREATE TABLE lane_marks (task text)");
  }

  @AfterAll
  static void stop() throws IOException {
    if (db != null) {
      db.close();
    }
  }

  /**
   * A statement that waits up to a second to see another backend run the same probe, and fails when
   * it saw none: it passes only when two tasks run at the same time. Having seen the other, it
   * stays a little longer so that the other sees it too. The activity view is read once per
   * transaction unless its snapshot is cleared.
   */
  private static SqlStatement probe(String tag) {
    return SqlStatement.of(
        "DO $$ DECLARE seen boolean := false; BEGIN FOR i IN 1..100 LOOP"
            + " PERFORM pg_stat_clear_snapshot();"
            + " IF (SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%"
            + tag
            + "%') >= 2 THEN seen := true; EXIT; END IF;"
            + " PERFORM pg_sleep(0.01); END LOOP;"
            + " PERFORM pg_sleep(0.1);"
            + " IF NOT seen THEN RAISE EXCEPTION 'alone'; END IF; END $$",
        "probe " + tag);
  }

  /** Tasks about databases db0, db1, ... */
  private static Stage bySystemDatabase(List<List<SqlStatement>> perTask) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < perTask.size(); i++) {
      names.add("db" + i);
    }
    return bySystemDatabase(names, perTask);
  }

  private static Stage bySystemDatabase(List<String> names, List<List<SqlStatement>> perTask) {
    List<DatabaseTask> tasks = new ArrayList<>();
    for (int i = 0; i < perTask.size(); i++) {
      tasks.add(
          new DatabaseTask(
              names.get(i),
              false,
              null,
              List.of(new Phase("CreateAndAlterDatabases", perTask.get(i)))));
    }
    return new Stage("create and alter databases", Stage.Kind.SYSTEM_BY_DATABASE, tasks);
  }

  private static void run(PgConnector connector, int concurrency, Stage stage) throws SQLException {
    MaintenanceConnector connections = new MaintenanceConnector(connector);
    try (Connection system = connections.open("postgres")) {
      new PlanExecutor(connections, concurrency).run(new Plan(List.of(stage), List.of()), system);
    }
  }

  @Test
  void bySystemDatabase_tasksRunAtTheSameTime() throws SQLException {
    Stage stage = bySystemDatabase(List.of(List.of(probe("lane-a")), List.of(probe("lane-a"))));
    run(db.connector, 2, stage);
  }

  @Test
  void bySystemDatabase_concurrencyOne_runsOneAfterTheOther() {
    Stage stage = bySystemDatabase(List.of(List.of(probe("lane-b")), List.of(probe("lane-b"))));
    ReconcileException e =
        assertThrows(ReconcileException.class, () -> run(db.connector, 1, stage));
    assertTrue(e.getMessage().contains("alone"), e.getMessage());
  }

  @Test
  void bySystemDatabase_laneThatCannotConnect_leavesItsShareToTheOthers() throws SQLException {
    db.exec("postgres", "TRUNCATE lane_marks");
    AtomicInteger connects = new AtomicInteger();
    PgConnector secondRefused =
        (dbname, app) -> {
          if (connects.incrementAndGet() == 2) {
            throw new SQLException("refused for the test", "08001");
          }
          return db.connector.connect(dbname, app);
        };
    List<List<SqlStatement>> perTask = new ArrayList<>();
    for (String t : List.of("t1", "t2", "t3", "t4")) {
      perTask.add(
          List.of(
              SqlStatement.of("INSERT INTO lane_marks VALUES ('" + t + "')", "mark " + t),
              SqlStatement.of("SELECT pg_sleep(0.05)", "hold the lane")));
    }
    run(secondRefused, 3, bySystemDatabase(perTask));
    assertEquals(
        "t1,t2,t3,t4",
        db.one("postgres", "SELECT string_agg(task, ',' ORDER BY task) FROM lane_marks"));
  }

  @Test
  void bySystemDatabase_failures_everyTaskRunsThenTheFirstInTaskOrderIsThrown() {
    db.exec("postgres", "TRUNCATE lane_marks");
    Stage stage =
        bySystemDatabase(
            List.of(
                List.of(SqlStatement.of("SELECT pg_sleep(0.1)", "slow first")),
                List.of(SqlStatement.of("SELECT 1/0", "divide")),
                List.of(SqlStatement.of("SELECT * FROM no_such_table", "missing")),
                List.of(SqlStatement.of("INSERT INTO lane_marks VALUES ('last')", "mark"))));
    ReconcileException e =
        assertThrows(ReconcileException.class, () -> run(db.connector, 2, stage));
    assertTrue(e.getMessage().contains("at \"divide\""), e.getMessage());
    assertEquals("last", db.one("postgres", "SELECT string_agg(task, ',') FROM lane_marks"));
  }

  private static Plan createThenEnter(List<String> names, boolean failBetween) {
    List<List<SqlStatement>> creates = new ArrayList<>();
    List<DatabaseTask> enter = new ArrayList<>();
    for (String n : names) {
      creates.add(List.of(SqlStatement.of("CREATE DATABASE " + n, "create " + n)));
      enter.add(
          new DatabaseTask(
              n,
              false,
              null,
              List.of(new Phase("ChangeSchemaPerms", List.of(SqlStatement.of("SELECT 1", "x"))))));
    }
    // Between the stages the new databases already have their backends, or the step fails.
    String inList = "'" + String.join("', '", names) + "'";
    List<SqlStatement> between =
        failBetween
            ? List.of(SqlStatement.of("SELECT * FROM no_such_table", "fails"))
            : List.of(
                SqlStatement.of(
                    "DO $$ BEGIN IF (SELECT count(*) FROM pg_stat_activity WHERE datname IN ("
                        + inList
                        + ")) < "
                        + names.size()
                        + " THEN RAISE EXCEPTION 'not opened ahead'; END IF; END $$",
                    "check"));
    return new Plan(
        List.of(
            bySystemDatabase(names, creates),
            new Stage(
                "between",
                Stage.Kind.SYSTEM,
                List.of(
                    new DatabaseTask(
                        "postgres", true, null, List.of(new Phase("CreateSchemaNeon", between))))),
            new Stage("each database", Stage.Kind.PER_DATABASE, enter)),
        List.of());
  }

  /** A connector that counts connections by database. */
  private static PgConnector counting(Map<String, AtomicInteger> counts) {
    return (dbname, app) -> {
      counts.computeIfAbsent(dbname, d -> new AtomicInteger()).incrementAndGet();
      return db.connector.connect(dbname, app);
    };
  }

  @Test
  void bySystemDatabase_createdDatabases_areEnteredOnTheConnectionOpenedAhead()
      throws SQLException {
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    MaintenanceConnector connections = new MaintenanceConnector(counting(counts));
    try (Connection system = connections.open("postgres")) {
      new PlanExecutor(connections, 2)
          .run(createThenEnter(List.of("ahead_1", "ahead_2"), false), system);
    }
    assertEquals(1, counts.get("ahead_1").get(), "one connection to ahead_1");
    assertEquals(1, counts.get("ahead_2").get(), "one connection to ahead_2");
    assertEquals(
        "0",
        db.one(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname IN ('ahead_1', 'ahead_2')"));
  }

  @Test
  void bySystemDatabase_failureBeforeThePerDatabaseStage_closesTheConnectionsOpenedAhead()
      throws SQLException {
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    MaintenanceConnector connections = new MaintenanceConnector(counting(counts));
    try (Connection system = connections.open("postgres")) {
      PlanExecutor executor = new PlanExecutor(connections, 2);
      Plan plan = createThenEnter(List.of("unused_1", "unused_2"), true);
      ReconcileException e =
          assertThrows(ReconcileException.class, () -> executor.run(plan, system));
      assertTrue(e.getMessage().contains("at \"fails\""), e.getMessage());
    }
    assertEquals(1, counts.get("unused_1").get(), "opened ahead");
    assertEquals(
        "0",
        db.one(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname IN ('unused_1', 'unused_2')"));
  }
}

package computectl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import computectl.testsupport.Fixtures;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The packages of {@code src/} depend on each other one way: no cycle. */
class PackageGraph_Test {
  @Test
  void src_hasNoPackageCycle() throws IOException {
    PackageGraph g = PackageGraph.read(Fixtures.projectRoot().resolve("src/computectl"));
    assertEquals("", String.join("\n", g.cycles()), "package cycles in src/, each with its edges");
  }

  @Test
  void src_nothingComputeUsesImportsCompute() throws IOException {
    PackageGraph g = PackageGraph.read(Fixtures.projectRoot().resolve("src/computectl"));
    for (String used : g.dependencies("compute")) {
      assertEquals(false, g.dependencies(used).contains("compute"), used + " imports compute");
    }
  }

  @Test
  void cycles_namesEachCycleAndTheFilesThatMakeIt() {
    PackageGraph g = new PackageGraph();
    g.addSource("A.java", "package computectl.compute;\nimport computectl.http.B;\nclass A {}");
    g.addSource("B.java", "package computectl.http;\nclass B { computectl.compute.A a; }");
    g.addSource("C.java", "package computectl.util;\nclass C {}");
    assertEquals(
        List.of(
            """
            compute -> http -> compute
              compute -> http (compute/A.java)
              http -> compute (http/B.java)\
            """),
        g.cycles());
  }

  @Test
  void cycles_findsALongerCycleOnce() {
    PackageGraph g = new PackageGraph();
    g.addSource("A.java", "package computectl.a;\nimport computectl.b.B;");
    g.addSource("B.java", "package computectl.b;\nimport computectl.c.C;");
    g.addSource("C.java", "package computectl.c;\nimport static computectl.a.A.f;");
    assertEquals(1, g.cycles().size());
    assertEquals("a -> b -> c -> a", g.cycles().get(0).lines().findFirst().orElseThrow());
  }

  @Test
  void addSource_ignoresCommentsAndStrings() {
    PackageGraph g = new PackageGraph();
    g.addSource(
        "A.java",
        "package computectl.tools;\n"
            + "/** See {@link computectl.cli.Main}. */\n"
            + "class A {\n"
            + "  // computectl.http.X\n"
            + "  String main = \"computectl.cli.Main\";\n"
            + "  String block = \"\"\"\n computectl.spec.Y.\n\"\"\";\n"
            + "  char q = '\"'; computectl.reconcile.Plan p;\n"
            + "}\n");
    assertEquals(Set.of("reconcile"), g.dependencies("tools"));
  }
}

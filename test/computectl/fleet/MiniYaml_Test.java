package computectl.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker's own parser: what the manifest checks rely on. */
class MiniYaml_Test {
  @Test
  void parse_nestedMappingsSequencesAndScalars() {
    Object doc =
        MiniYaml.parse(
            String.join(
                "\n",
                "# comment",
                "a: 1",
                "b:",
                "  c: \"x: # y\"   # trailing comment",
                "  d: 'it''s'",
                "list:",
                "- one",
                "- k: v",
                "  k2: [p, \"q\"]",
                "-",
                "  nested: {}",
                "e: |",
                "  line one",
                "",
                "    indented",
                "f: end"));
    assertEquals(
        Map.of(
            "a", "1",
            "b", Map.of("c", "x: # y", "d", "it's"),
            "list",
                List.of(
                    "one", Map.of("k", "v", "k2", List.of("p", "q")), Map.of("nested", Map.of())),
            "e", "line one\n\n  indented\n",
            "f", "end"),
        doc);
  }

  @Test
  void parseAll_splitsDocuments() {
    assertEquals(
        List.of(Map.of("a", "1"), Map.of("b", "2")), MiniYaml.parseAll("a: 1\n---\nb: 2\n"));
  }

  @Test
  void parse_rejectsBadIndentationTabsDuplicatesAndUnsupportedFeatures() {
    for (String bad :
        List.of(
            "a: 1\n   b: 2\n",
            "a:\n\tb: 1\n",
            "a: 1\na: 2\n",
            "a: &anchor 1\n",
            "a: \"open\n",
            "just text\n")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> MiniYaml.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("YAML line "), e.getMessage());
    }
  }
}

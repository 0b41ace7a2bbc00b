package computectl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class Stats_Test {
  @Test
  void median_ofOddCountIsTheMiddleSample() {
    Stats s = Stats.of(List.of(9, 1, 5, 7, 3));
    assertEquals(5.0, s.median());
    assertEquals(1.0, s.min());
    assertEquals(9.0, s.max());
  }

  @Test
  void median_ofEvenCountIsTheMeanOfTheMiddleTwo() {
    assertEquals(2.5, Stats.of(List.of(4, 1, 2, 3)).median());
  }

  @Test
  void median_ofNoSamplesIsNaN() {
    assertTrue(Double.isNaN(Stats.of(List.of()).median()));
  }

  @Test
  void ratio_isOursOverBaselineOnMedians() {
    Figure f =
        Figure.of(
            "x", "x", "ms", Stats.of(List.of(40, 60, 50)), "b", Stats.of(List.of(100, 90, 110)));
    assertEquals(0.5, f.ratio(), 1e-9);
    assertTrue(Double.isNaN(Figure.of("y", "y", "ms", Stats.of(List.of(1)), null, null).ratio()));
  }
}

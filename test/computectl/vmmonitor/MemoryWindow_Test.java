package computectl.vmmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MemoryWindow_Test {
  @Test
  void add_averagesTheLastFiveSamplesRoundingDown() {
    MemoryWindow w = new MemoryWindow();
    assertEquals(new MemorySummary(10, 1, 100), w.add(10, 100));
    assertEquals(new MemorySummary(10, 2, 200), w.add(11, 200), "21 / 2 rounds down");
    w.add(30, 300);
    w.add(40, 400);
    assertEquals(new MemorySummary(28, 5, 500), w.add(50, 500), "141 / 5 rounds down");
    assertEquals(
        new MemorySummary(40, 6, 600),
        w.add(69, 600),
        "11+30+40+50+69 = 200, the first sample is out");
  }

  @Test
  void add_saturatesInsteadOfOverflowing() {
    MemoryWindow w = new MemoryWindow();
    w.add(Long.MAX_VALUE, 1);
    assertEquals(Long.MAX_VALUE / 2, w.add(Long.MAX_VALUE, 2).meanBytes());
  }
}

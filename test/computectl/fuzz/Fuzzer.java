package computectl.fuzz;

import computectl.util.Log;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a {@link FuzzTarget} for a number of cases. Case {@code i} of master seed {@code m} has the
 * seed {@link #caseSeed(long, int)}; its input depends on nothing else, so a printed seed replays
 * the case exactly. Each case runs on a worker thread with the target's deadline; a case that
 * outlives it is a hang. Findings are printed with their seed and saved under {@code
 * $BUILD_DIR/fuzz-findings/} so that they can become regression files.
 */
public final class Fuzzer {
  /** Rounds of mutation per case: 0 (the corpus entry itself) to {@code MAX_ROUNDS}. */
  static final int MAX_ROUNDS = 6;

  /** Stop collecting after this many findings: one bug tends to show up in many cases. */
  static final int MAX_FINDINGS = 5;

  /** A case that broke the property. */
  public record Finding(long seed, String problem, byte[] input, Path saved) {
    @Override
    public String toString() {
      return String.format(
          "seed 0x%016x: %s (input of %d bytes%s)",
          seed, problem, input.length, saved == null ? "" : ", saved as " + saved);
    }
  }

  /** What a run did: cases, outcomes per step, findings, and timings. */
  public record Report(
      String target,
      long masterSeed,
      int cases,
      Map<String, long[]> steps,
      List<Finding> findings,
      long millis,
      long slowestMillis,
      long slowestSeed) {
    public String summary() {
      StringBuilder sb =
          new StringBuilder(
              String.format(
                  "fuzz %s: %d cases from seed 0x%x in %d ms (slowest %d ms,"
                      + " seed 0x%x), %d findings",
                  target, cases, masterSeed, millis, slowestMillis, slowestSeed, findings.size()));
      steps.forEach(
          (label, c) -> sb.append(String.format("; %s %d ok %d rejected", label, c[0], c[1])));
      return sb.toString();
    }

    public long accepted(String step) {
      return steps.getOrDefault(step, new long[2])[0];
    }

    public long rejected(String step) {
      return steps.getOrDefault(step, new long[2])[1];
    }
  }

  private Fuzzer() {}

  /** SplitMix64 of master and index: well spread, and independent of everything but the two. */
  public static long caseSeed(long master, int index) {
    long z = master + (index + 1L) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The input of one case: a corpus entry and 0 to {@link #MAX_ROUNDS} mutations. */
  static byte[] input(FuzzTarget target, Mutator mutator, List<byte[]> corpus, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] in = corpus.get(r.nextInt(corpus.size()));
    int rounds = r.nextInt(20) == 0 ? 0 : 1 + r.nextInt(MAX_ROUNDS);
    for (int i = 0; i < rounds; i++) {
      in = target.mutate(in, r, mutator);
    }
    return in;
  }

  /** The mutator a target's cases are made with. */
  public static Mutator mutator(FuzzTarget target) {
    return new Mutator(target.corpus(), target.dictionary(), target.maxInputBytes());
  }

  /** The input of case {@code seed} of {@code target}, as a run makes it. */
  public static byte[] input(FuzzTarget target, long seed) {
    return input(target, mutator(target), target.corpus(), seed);
  }

  public static Report run(FuzzTarget target, long masterSeed, int cases) {
    List<byte[]> corpus = target.corpus();
    Mutator mutator = mutator(target);
    Probe probe = new Probe(target::isOurError);
    List<Finding> findings = new ArrayList<>();
    long start = System.nanoTime();
    long slowest = -1;
    long slowestSeed = 0;
    ExecutorService worker = worker(target.name());
    // Thousands of rejected cases would flood the test output; the rejections are counted instead.
    PrintStream log =
        Log.setOutput(
            new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < cases && findings.size() < MAX_FINDINGS; i++) {
        long seed = caseSeed(masterSeed, i);
        byte[] in = input(target, mutator, corpus, seed);
        long t0 = System.nanoTime();
        String problem = runCase(target, probe, in, worker);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (ms > slowest) {
          slowest = ms;
          slowestSeed = seed;
        }
        if (problem != null) {
          findings.add(new Finding(seed, problem, in, save(target.name(), seed, in)));
          System.out.println(
              "FUZZ FINDING " + target.name() + " " + findings.get(findings.size() - 1));
          if (problem.startsWith("hang")) {
            break; // the worker is stuck; later cases would measure nothing
          }
        }
      }
    } finally {
      worker.shutdownNow();
      Log.setOutput(log);
    }
    Report report =
        new Report(
            target.name(),
            masterSeed,
            cases,
            new TreeMap<>(probe.counts()),
            findings,
            (System.nanoTime() - start) / 1_000_000,
            slowest,
            slowestSeed);
    System.out.println(report.summary());
    return report;
  }

  /** Runs one stored input (a regression file); returns the problem or null. */
  public static String replay(FuzzTarget target, byte[] input) {
    ExecutorService worker = worker(target.name());
    try {
      return runCase(target, new Probe(target::isOurError), input, worker);
    } finally {
      worker.shutdownNow();
    }
  }

  private static String runCase(FuzzTarget target, Probe probe, byte[] in, ExecutorService worker) {
    Future<Throwable> f =
        worker.submit(
            () -> {
              try {
                target.run(in, probe);
                target.checkInvariants();
                return null;
              } catch (Throwable t) {
                return t;
              }
            });
    Throwable t;
    try {
      t = f.get(target.deadline().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return "hang: no result within "
          + target.deadline().toMillis()
          + " ms; worker stack:\n"
          + workerStacks();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (ExecutionException e) {
      t = e.getCause();
    }
    if (t == null) {
      return null;
    }
    return (t instanceof FuzzViolation ? "" : "escaped outside a step: ") + describe(t);
  }

  private static String describe(Throwable t) {
    StringWriter sw = new StringWriter();
    t.printStackTrace(new PrintWriter(sw));
    String[] lines = sw.toString().split("\n");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(lines.length, 14); i++) {
      sb.append(i == 0 ? "" : "\n    ").append(lines[i].strip());
    }
    return sb.toString();
  }

  private static String workerStacks() {
    StringBuilder sb = new StringBuilder();
    Thread.getAllStackTraces()
        .forEach(
            (thread, frames) -> {
              if (thread.getName().startsWith("fuzz-")) {
                for (int i = 0; i < Math.min(frames.length, 12); i++) {
                  sb.append("    ").append(frames[i]).append('\n');
                }
              }
            });
    return sb.toString();
  }

  /**
   * As the launcher's {@code -Xss512k}: a recursion that overflows there must overflow here too.
   */
  static final long WORKER_STACK_BYTES = 512 * 1024;

  private static ExecutorService worker(String name) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(null, r, "fuzz-" + name, WORKER_STACK_BYTES);
          t.setDaemon(true);
          return t;
        });
  }

  /** Where findings go: {@code $BUILD_DIR/fuzz-findings/<target>-<seed>.bin}. */
  private static Path save(String target, long seed, byte[] input) {
    try {
      Path dir =
          Path.of(System.getenv().getOrDefault("BUILD_DIR", "build"), "fuzz-findings")
              .toAbsolutePath();
      Files.createDirectories(dir);
      return Files.write(dir.resolve(String.format("%s-%016x.bin", target, seed)), input);
    } catch (IOException e) {
      System.out.println("could not save the fuzz finding: " + e);
      return null;
    }
  }
}

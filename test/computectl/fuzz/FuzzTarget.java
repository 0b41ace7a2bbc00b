package computectl.fuzz;

import computectl.util.ComputeCtlException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One input reader under fuzz. A case is a byte string made from {@link #corpus()} by {@link
 * #mutate}; {@link #run} feeds it through {@link Probe#attempt} steps, each of which must either
 * succeed or fail with one of the target's own error types carrying a message.
 */
public interface FuzzTarget extends AutoCloseable {
  /** Short and stable: it names regression files and report lines. */
  String name();

  /** Well-formed inputs the mutations start from (also run unmodified now and then). */
  List<byte[]> corpus();

  /** Tokens worth inserting for this format (keys, keywords, hostile names). */
  default List<String> dictionary() {
    return List.of();
  }

  /** Mutated inputs are cut to this length. */
  default int maxInputBytes() {
    return 64 << 10;
  }

  /** One mutation round; targets with checksums or framing override this to keep cases deep. */
  default byte[] mutate(byte[] input, SplittableRandom random, Mutator mutator) {
    return mutator.mutate(input, random);
  }

  /** Runs one case. Anything thrown outside a probe step is a finding. */
  void run(byte[] input, Probe probe) throws Exception;

  /** Whether {@code t} is one of this target's documented error types. */
  default boolean isOurError(Throwable t) {
    return t instanceof ComputeCtlException;
  }

  /** Checked after every case, accepted or not: e.g. that nothing appeared outside a directory. */
  default void checkInvariants() throws Exception {}

  /** How long one case may take before it counts as a hang. */
  default Duration deadline() {
    return Duration.ofSeconds(10);
  }

  @Override
  default void close() throws java.io.IOException {}
}

package computectl.bench;

/** One load run: completed requests per second, the 99th percentile latency, and failures. */
record LoadResult(
    double requestsPerSecond, double p99Millis, long requests, long errors, String tool) {}

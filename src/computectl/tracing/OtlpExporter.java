package computectl.tracing;

import computectl.util.Log;
import computectl.util.LogSpan;
import computectl.util.NamedThreads;
import computectl.util.SpanObserver;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Exports finished {@link LogSpan}s over OTLP/HTTP (protobuf), as upstream's batch span processor
 * does: spans wait in a bounded queue (a full queue drops the span and counts it), and the {@code
 * otel-exporter} thread POSTs them in batches every schedule delay (5 s) or as soon as a batch is
 * full, each request bounded by the timeout. Spans are handed over without blocking, so a slow or
 * dead collector never delays the start or a request, and memory stays bounded by the queue. {@link
 * #close} exports what is left, within a limit.
 */
public final class OtlpExporter implements SpanObserver, AutoCloseable {
  /** A span's ids as its children and the export need them. */
  private record Ids(SpanContext context, String parentSpanId) {}

  private final TraceConfig config;
  private final Map<String, Object> resource;
  private final BlockingQueue<FinishedSpan> queue;
  private final HttpClient client;
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Object signal = new Object();
  private volatile boolean stopping;
  private volatile long flushDeadlineNanos;

  public OtlpExporter(TraceConfig config) {
    this.config = config;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("service.name", config.serviceName());
    this.resource = Map.copyOf(r);
    this.queue = new ArrayBlockingQueue<>(config.maxQueueSize());
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.timeout())
            .build();
    this.thread = NamedThreads.daemon("otel-exporter", this::loop);
  }

  /** Starts the export thread and makes every {@link LogSpan} reach it. */
  public OtlpExporter start() {
    thread.start();
    LogSpan.setObserver(this);
    Log.info("exporting traces to " + config.endpoint() + " as " + config.serviceName());
    return this;
  }

  @Override
  public void started(LogSpan span) {
    SpanContext parent = parentOf(span.traceParent());
    SpanContext own = parent == null ? SpanContext.newRoot() : parent.child();
    span.attach(new Ids(own, parent == null ? null : parent.spanId()));
  }

  private static SpanContext parentOf(Object traceParent) {
    if (traceParent instanceof LogSpan p && p.attachment() instanceof Ids ids) {
      return ids.context();
    }
    if (traceParent instanceof LogSpan.RemoteParent r) {
      return SpanContext.parse(r.traceparent(), r.tracestate());
    }
    return null;
  }

  @Override
  public void ended(LogSpan span) {
    if (!(span.attachment() instanceof Ids ids) || !ids.context().sampled()) {
      return; // started before tracing, or the caller's trace is not sampled
    }
    if (!queue.offer(SpanRecords.finished(span, ids.context(), ids.parentSpanId()))) {
      dropped.incrementAndGet();
      return;
    }
    if (queue.size() >= config.maxBatchSize()) {
      synchronized (signal) {
        signal.notifyAll();
      }
    }
  }

  @Override
  public String traceparent(LogSpan span) {
    return span.attachment() instanceof Ids ids ? ids.context().traceparent() : null;
  }

  /** Spans dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Spans the collector accepted. */
  public long exported() {
    return exported.get();
  }

  private void loop() {
    long reportedDrops = 0;
    while (true) {
      boolean last = stopping; // a stop asked before the wait still gets its final pass
      if (!last) {
        waitForBatch();
        last = stopping;
      }
      do {
        exportBatch();
      } while (!queue.isEmpty()
          && (last
              ? System.nanoTime() < flushDeadlineNanos
              : queue.size() >= config.maxBatchSize()));
      long d = dropped.get();
      if (d != reportedDrops) {
        Log.warn("trace export queue full: " + (d - reportedDrops) + " spans dropped");
        reportedDrops = d;
      }
      if (last) {
        return;
      }
    }
  }

  private void waitForBatch() {
    long until = System.nanoTime() + config.scheduleDelay().toNanos();
    synchronized (signal) {
      while (!stopping && queue.size() < config.maxBatchSize()) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(signal, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // only close() interrupts: the export ends
          return;
        }
      }
    }
  }

  private void exportBatch() {
    List<FinishedSpan> batch = new ArrayList<>();
    queue.drainTo(batch, config.maxBatchSize());
    if (batch.isEmpty()) {
      return;
    }
    Duration limit = config.timeout();
    if (stopping) {
      long left = flushDeadlineNanos - System.nanoTime();
      limit = Duration.ofNanos(Math.max(1, Math.min(left, limit.toNanos())));
    }
    HttpRequest.Builder req =
        HttpRequest.newBuilder(config.endpoint())
            .timeout(limit)
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(OtlpTraces.encode(resource, batch)));
    config.headers().forEach(req::header);
    try {
      HttpResponse<Void> r = client.send(req.build(), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 == 2) {
        exported.addAndGet(batch.size());
        return;
      }
      exportFailed(batch.size(), "HTTP status " + r.statusCode());
    } catch (IOException e) {
      exportFailed(batch.size(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exportFailed(batch.size(), "interrupted");
    } catch (IllegalArgumentException e) {
      exportFailed(batch.size(), e.getMessage());
    }
  }

  /** As upstream's processor, a batch the collector did not take is dropped, not retried. */
  private void exportFailed(int spans, String why) {
    failed.addAndGet(spans);
    Log.warn("could not export " + spans + " spans to " + config.endpoint() + ": " + why);
  }

  /**
   * Exports what is queued, waiting at most {@code limit} (upstream gives its shutdown 2 s), then
   * stops the thread. Spans ending later are no longer exported.
   */
  public void close(Duration limit) {
    LogSpan.setObserver(SpanObserver.NONE);
    flushDeadlineNanos = System.nanoTime() + limit.toNanos();
    stopping = true;
    synchronized (signal) {
      signal.notifyAll();
    }
    try {
      thread.join(Math.max(1, limit.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.interrupt();
    long lost = queue.size() + dropped.get() + failed.get();
    if (lost > 0) {
      Log.warn("shutting down tracing: " + lost + " spans were not exported");
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }
}

package io.sagaflow.bench;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;

/** Remembers the first failed send of a bulk load, to report it once the producer is flushed. */
final class SendFailures implements Callback {
  private final AtomicReference<Exception> first = new AtomicReference<>();

  @Override
  public void onCompletion(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception e) {
    if (e != null) {
      first.compareAndSet(null, e);
    }
  }

  /** Throws if any send failed. */
  void check(String topic) {
    if (first.get() != null) {
      throw new IllegalStateException("Could not fill " + topic, first.get());
    }
  }
}

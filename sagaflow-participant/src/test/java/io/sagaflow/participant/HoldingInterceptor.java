package io.sagaflow.participant;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Holds the participant's loop inside {@code send} at the n-th record it writes, so a test can
 * break the broker while a batch is half written; counts the sends that failed. Kafka creates the
 * interceptor from its class name ({@code interceptor.classes}), so the test hands it its {@link
 * Hold} through a static.
 */
public final class HoldingInterceptor implements ProducerInterceptor<byte[], byte[]> {
  static final AtomicReference<Hold> HOLD = new AtomicReference<>();

  /** Where to stop, and the latches the test waits on and opens. */
  static final class Hold {
    private final int at;
    private final AtomicInteger sent = new AtomicInteger();
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch released = new CountDownLatch(1);
    final AtomicInteger failed = new AtomicInteger();

    Hold(int at) {
      this.at = at;
    }

    private void onSend() {
      if (sent.incrementAndGet() == at) {
        reached.countDown();
        try {
          if (!released.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the test never released the held send");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Override
  public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
    Hold hold = HOLD.get();
    if (hold != null) {
      hold.onSend();
    }
    return record;
  }

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    Hold hold = HOLD.get();
    if (hold != null && exception != null) {
      hold.failed.incrementAndGet();
    }
  }

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {}
}

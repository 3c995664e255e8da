package io.sagaflow.participant;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Sees the participant's Kafka clients once they exist, for what must hold a client rather than its
 * settings: client metrics bound to a meter registry (Micrometer's {@code KafkaClientMetrics}),
 * say. The kit does not depend on a metrics library; the service brings its own.
 */
@FunctionalInterface
public interface ClientsHook {

  /**
   * Called before the first poll, from the thread that starts the participant; and again, from the
   * participant's own thread, when a transactional participant had to replace its producer (one the
   * broker fenced cannot even abort), after closing what the previous call returned.
   *
   * @return what to close before the clients close when the participant stops (a binding that would
   *     otherwise keep reading closed clients)
   */
  AutoCloseable created(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer);
}

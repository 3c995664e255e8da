package io.sagaflow.participant;

import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.serde.SagaHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record set aside is written as it came (key, value and headers, byte for byte) with the reason
 * in headers: no schema registry is needed to write it (the registry may be why it could not be
 * read), and replaying it is copying it back onto the command topic without the {@code saga_dlq_*}
 * headers. The header names are those of {@code saga.dlq}.
 */
final class DeadLetters {
  private final String topic;
  private final Clock clock;

  DeadLetters(String topic, Clock clock) {
    this.topic = topic;
    this.clock = clock;
  }

  String topic() {
    return topic;
  }

  ProducerRecord<byte[], byte[]> of(
      ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String detail) {
    Headers headers = new RecordHeaders();
    for (Header header : record.headers()) {
      headers.add(header.key(), header.value());
    }
    put(headers, SagaHeaders.SAGA_DLQ_REASON, reason.name());
    put(headers, SagaHeaders.SAGA_DLQ_DETAIL, detail);
    put(headers, SagaHeaders.SAGA_DLQ_SOURCE_TOPIC, record.topic());
    put(headers, SagaHeaders.SAGA_DLQ_SOURCE_PARTITION, Integer.toString(record.partition()));
    put(headers, SagaHeaders.SAGA_DLQ_SOURCE_OFFSET, Long.toString(record.offset()));
    // Timestamped now: when it was set aside.
    return new ProducerRecord<>(topic, null, clock.millis(), record.key(), record.value(), headers);
  }

  private static void put(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}

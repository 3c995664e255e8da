package io.sagaflow.app;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.internal.OpenTelemetryProducerInterceptor;
import io.sagaflow.serde.SagaHeaders;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.StreamsConfig;

/**
 * OpenTelemetry's Kafka producer instrumentation, applied to the saga records the processor writes
 * while it handles a saga (commands and lifecycle events, which carry {@code ce_id}): each gets a
 * publish span under the decision's span, and its {@code traceparent} names that span. The
 * processor's other writes (changelogs, moved inputs, dead letters) are left alone: a changelog
 * flushed at commit time has no saga span current, and would otherwise open a trace of its own per
 * record.
 *
 * <p>Only the producer side: under exactly-once the library's consumer interceptor stops Kafka
 * Streams committing its input offsets (DEPENDENCIES.md), so the processor makes its consumer-side
 * spans itself.
 */
public final class SagaPublishInterceptor<K, V> implements ProducerInterceptor<K, V> {
  private final OpenTelemetryProducerInterceptor<K, V> delegate =
      new OpenTelemetryProducerInterceptor<>();

  /** Kafka Streams settings that install this interceptor on the processor's producer. */
  public static Map<String, Object> streamsSettings(KafkaTelemetry telemetry) {
    Map<String, Object> settings = new HashMap<>();
    telemetry
        .producerInterceptorConfigProperties()
        .forEach(
            (key, value) -> {
              if (!ProducerConfig.INTERCEPTOR_CLASSES_CONFIG.equals(key)) {
                settings.put(StreamsConfig.producerPrefix(key), value);
              }
            });
    settings.put(
        StreamsConfig.producerPrefix(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG),
        SagaPublishInterceptor.class.getName());
    return settings;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    delegate.configure(configs);
  }

  @Override
  public ProducerRecord<K, V> onSend(ProducerRecord<K, V> record) {
    boolean sagaRecord = record.headers().lastHeader(SagaHeaders.CE_ID) != null;
    return sagaRecord && Span.current().getSpanContext().isValid()
        ? delegate.onSend(record)
        : record;
  }

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    delegate.onAcknowledgement(metadata, exception);
  }

  @Override
  public void close() {
    delegate.close();
  }
}

package io.sagaflow.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistryClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The extension's broker and registry are real: an Avro record goes through both and back. */
@ExtendWith(SagaflowExtension.class)
class SagaflowExtensionIT {

  @Test
  void shouldRoundTripAnAvroRecordThroughTheBrokerAndTheRegistry(SagaflowCluster cluster)
      throws Exception {
    // Given a topic of this test's own and a client of the embedded registry
    String topic = cluster.createTopic("extension-round-trip", 1);
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistryClientSettings.of(cluster.registryUrl().toString()));

    // When a record is produced with the Avro serializer (registering its schema)
    Properties producerProps = cluster.clientProperties();
    producerProps.put("acks", "all");
    try (KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(
            producerProps,
            new StringSerializer(),
            new AvroSerializer<>(registry, AvroSerdeConfig.recordName().withAutoRegister(true)))) {
      producer.send(new ProducerRecord<>(topic, "saga-1", new CancelSaga("changed mind"))).get();
    }

    // Then a consumer reads it back through the registry, and the registry knows its subject
    assertThat(consume(cluster, topic, registry))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo("saga-1");
              assertThat(r.value()).isEqualTo(new CancelSaga("changed mind"));
            });
    assertThat(registry.subjects()).contains(CancelSaga.getClassSchema().getFullName());
  }

  @Test
  void shouldInjectTheSameAddressesAsPlainParameters(
      @BootstrapServers String bootstrapServers,
      @SchemaRegistryUrl URI registryUrl,
      @SchemaRegistryUrl String registryText,
      SagaflowCluster cluster) {
    assertThat(bootstrapServers).startsWith("127.0.0.1:").isEqualTo(cluster.bootstrapServers());
    assertThat(registryUrl).isEqualTo(cluster.registryUrl());
    assertThat(registryText).isEqualTo(registryUrl.toString()).startsWith("http://127.0.0.1:");
  }

  private static List<ConsumerRecord<String, SpecificRecord>> consume(
      SagaflowCluster cluster, String topic, SchemaRegistryClient registry) {
    Properties props = cluster.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, cluster.uniqueName("extension-group"));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, SpecificRecord>> records = new ArrayList<>();
    try (KafkaConsumer<String, SpecificRecord> consumer =
        new KafkaConsumer<>(
            props, new StringDeserializer(), AvroDeserializer.anySpecific(registry))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }
}

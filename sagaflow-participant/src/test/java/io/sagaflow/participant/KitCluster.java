package io.sagaflow.participant;

import io.sagaflow.contract.StepReply;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One test's topics on the shared broker and a registry of its own, with the orchestrator's side
 * played by hand: commands written as the processor writes them, replies and dead letters read
 * back.
 */
final class KitCluster implements AutoCloseable {
  final TestKafka kafka;
  final SchemaRegistryServer registryServer;
  final SchemaRegistry registry;
  final String commands;
  final String deadLetters;
  final String replies;
  private final AvroSerializer<SpecificRecord> commandSerializer;
  private final KafkaProducer<byte[], byte[]> producer;

  private KitCluster(TestKafka kafka, SchemaRegistryServer registryServer) {
    this.kafka = kafka;
    this.registryServer = registryServer;
    this.registry =
        new SchemaRegistryClient(RegistryClientSettings.of(registryServer.url().toString()));
    this.commands = kafka.createTopic("inventory.commands", 2);
    this.deadLetters = commands + ".dlq";
    kafka.createTopicNamed(deadLetters, 1, Map.of());
    this.replies = kafka.createTopic("saga.replies", 2);
    this.commandSerializer = SagaTopics.commandRecords(commands).serializer(registry, true);
    this.producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer());
  }

  static KitCluster start(TestKafka kafka) {
    SchemaRegistryServer server = SchemaRegistryServer.startInMemory();
    try {
      return new KitCluster(kafka, server);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** A builder for a participant on this cluster's command topic. */
  Participant.Builder participant(String group) {
    return Participant.builder()
        .name("inventory")
        .bootstrapServers(kafka.bootstrapServers())
        .schemaRegistry(registry)
        .autoRegisterSchemas(true)
        .commandTopic(commands)
        .groupId(group)
        .pollTimeout(Duration.ofMillis(50));
  }

  /** A command as the processor writes it. */
  Command command(String sagaId, String step, int attempt, CommandKind kind) {
    return new Command(
        sagaId,
        UUID.nameUUIDFromBytes(
            (sagaId + "|" + step + "|" + attempt + "|" + kind).getBytes(StandardCharsets.UTF_8)),
        step,
        attempt,
        kind);
  }

  /** Correlation of a command written by {@link #send}. */
  record Command(String sagaId, UUID commandId, String step, int attempt, CommandKind kind) {
    Headers headers(String replyTopic) {
      Headers headers = new RecordHeaders();
      put(headers, SagaHeaders.CE_SPECVERSION, SagaHeaders.CE_SPECVERSION_VALUE);
      put(headers, SagaHeaders.CE_ID, commandId.toString());
      put(headers, SagaHeaders.CE_SOURCE, SagaHeaders.CE_SOURCE_VALUE);
      put(headers, SagaHeaders.CE_SUBJECT, sagaId);
      put(headers, SagaHeaders.SAGA_STEP, step);
      put(headers, SagaHeaders.SAGA_ATTEMPT, Integer.toString(attempt));
      put(headers, SagaHeaders.SAGA_KIND, kind.name());
      put(headers, SagaHeaders.SAGA_REPLY_TOPIC, replyTopic);
      put(headers, SagaHeaders.TRACEPARENT, traceparent());
      return headers;
    }

    String traceparent() {
      return "00-" + commandId.toString().replace("-", "") + "-00f067aa0ba902b7-01";
    }
  }

  /** Writes {@code payload} as {@code command}, with every header the processor sets. */
  void send(Command command, SpecificRecord payload) {
    Headers headers = command.headers(replies);
    put(headers, SagaHeaders.CE_TYPE, payload.getSchema().getFullName());
    sendRaw(
        command.sagaId().getBytes(StandardCharsets.UTF_8),
        commandSerializer.serialize(commands, payload),
        headers);
  }

  /** Writes a record as it is. */
  void sendRaw(byte[] key, byte[] value, Headers headers) {
    try {
      producer.send(new ProducerRecord<>(commands, null, key, value, headers)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** The wire-format bytes of {@code payload} on the command topic. */
  byte[] encode(SpecificRecord payload) {
    return commandSerializer.serialize(commands, payload);
  }

  /** Everything on {@code topic} now, read_committed, from the beginning. */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(100)).forEach(all::add);
      }
      return all;
    }
  }

  /** Offsets {@code group} committed on the command topic, summed over its partitions. */
  long committed(String group) throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return offsets.entrySet().stream()
          .filter(e -> e.getKey().topic().equals(commands) && e.getValue() != null)
          .mapToLong(e -> e.getValue().offset())
          .sum();
    }
  }

  /** The replies on the reply topic now. */
  List<Received> replies() {
    AvroDeserializer<StepReply> reader = SagaTopics.REPLY_RECORDS.deserializer(registry);
    return readAll(replies).stream()
        .map(
            r ->
                new Received(
                    new String(r.key(), StandardCharsets.UTF_8),
                    reader.deserialize(replies, r.value()),
                    r.headers()))
        .toList();
  }

  /** Decodes a reply's step result. */
  Object result(StepReply reply) {
    return new DataCodec(registry, false).decodeAny(DataCodec.toArray(reply.getStepResult()));
  }

  /** A reply as read: key, value and headers. */
  record Received(String key, StepReply reply, Headers headers) {
    String header(String name) {
      return KitCluster.header(headers, name);
    }
  }

  static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static void put(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    producer.close();
    registryServer.close();
  }
}

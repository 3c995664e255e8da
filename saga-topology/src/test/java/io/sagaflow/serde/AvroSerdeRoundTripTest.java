package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.embedded.registry.SchemaRegistryServer;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every contract record survives the wire format through the real registry over HTTP. */
class AvroSerdeRoundTripTest {

  private static SchemaRegistryServer server;
  private static SchemaRegistry registry;

  @BeforeAll
  static void startRegistry() {
    server = SchemaRegistryServer.startInMemory();
    registry = new SchemaRegistryClient(RegistryClientSettings.of(server.url().toString()));
  }

  @AfterAll
  static void stopRegistry() {
    server.close();
  }

  static Stream<SpecificRecord> samples() {
    return ContractSamples.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void shouldRoundTripEveryContractRecordIntoItsClass(SpecificRecord sample) {
    @SuppressWarnings("unchecked")
    Class<SpecificRecord> type = (Class<SpecificRecord>) sample.getClass();
    AvroSerde<SpecificRecord> serde =
        AvroSerde.specific(type, registry, AvroSerdeConfig.recordName().withAutoRegister(true));

    byte[] bytes = serde.serializer().serialize("saga.test", sample);
    SpecificRecord back = serde.deserializer().deserialize("saga.test", bytes);

    assertThat(back).isEqualTo(sample);
    assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void shouldReadEveryContractRecordOnAMultiTypeTopicAndGenerically(SpecificRecord sample) {
    AvroSerde<SpecificRecord> serde =
        AvroSerde.anySpecific(registry, AvroSerdeConfig.recordName().withAutoRegister(true));

    byte[] bytes = serde.serializer().serialize("inventory.commands", sample);
    SpecificRecord specific = serde.deserializer().deserialize("inventory.commands", bytes);
    Object generic = AvroDeserializer.generic(registry).deserialize("inventory.commands", bytes);

    assertThat(specific).isEqualTo(sample);
    assertThat(generic).isInstanceOf(GenericRecord.class);
    // A generic reader sees the schema as registered: the .avsc file's, without Java's properties.
    assertThat(((GenericRecord) generic).getSchema())
        .isEqualTo(RegistrySchemas.normalised(sample.getSchema()));
  }

  @Test
  void shouldWriteWholeRecordsAfterAFailedWriteOnTheSameThread() throws Exception {
    AvroSerde<SpecificRecord> serde =
        AvroSerde.anySpecific(registry, AvroSerdeConfig.recordName().withAutoRegister(true));
    SpecificRecord sample = ContractSamples.orderData();
    // The same record with its last required string field nulled: the writer fails midway,
    // after earlier fields are already in the thread's reused encoder.
    SpecificRecord broken =
        (SpecificRecord) ContractModel.SPECIFIC.deepCopy(sample.getSchema(), sample);
    org.apache.avro.Schema.Field required =
        sample.getSchema().getFields().stream()
            .filter(f -> f.schema().getType() == org.apache.avro.Schema.Type.STRING)
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(required.pos()).isPositive();
    broken.put(required.pos(), null);

    assertThatThrownBy(() -> serde.serializer().serialize("saga.test", broken))
        .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
    byte[] after = serde.serializer().serialize("saga.test", sample);
    byte[][] elsewhere = new byte[1][];
    Thread fresh =
        new Thread(() -> elsewhere[0] = serde.serializer().serialize("saga.test", sample));
    fresh.start();
    fresh.join();

    assertThat(after).isEqualTo(elsewhere[0]);
    assertThat(serde.deserializer().deserialize("saga.test", after)).isEqualTo(sample);
  }

  @Test
  void shouldFileEachTypeUnderItsRecordNameSubject() {
    AvroSerde<SpecificRecord> serde =
        AvroSerde.anySpecific(registry, AvroSerdeConfig.recordName().withAutoRegister(true));

    ContractSamples.all().forEach(r -> serde.serializer().serialize("saga.requests", r));

    assertThat(registry.subjects())
        .contains(
            "io.sagaflow.contract.StartSaga",
            "io.sagaflow.contract.CancelSaga",
            "io.sagaflow.contract.OperatorCommand")
        .noneMatch(s -> s.startsWith("saga.requests"));
  }

  @Test
  void shouldPassNullsThroughAsTombstones() {
    AvroSerde<SpecificRecord> serde = AvroSerde.anySpecific(registry, AvroSerdeConfig.recordName());

    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }
}

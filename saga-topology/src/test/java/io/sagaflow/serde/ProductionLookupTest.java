package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With auto-registration off the serializers look up what the release registered: the schemas of
 * the .avsc files, or what an earlier Sagaflow registered from its generated classes.
 */
class ProductionLookupTest {
  private static final String SUBJECT = "saga.replies-value";

  private final SchemaRegistryServer server = SchemaRegistryServer.startInMemory();
  private final SchemaRegistry registry =
      new SchemaRegistryClient(RegistryClientSettings.of(server.url().toString()));
  private final AvroSerializer<StepReply> production =
      new AvroSerializer<>(registry, AvroSerdeConfig.topicName());

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void shouldFindTheSchemaAnOperatorRegisteredFromTheAvscFile() throws Exception {
    // Given StepReply registered from schemas/avro/StepReply.avsc, as the release does
    Schema fromFile =
        new Schema.Parser()
            .parse(Files.readString(Path.of("..", "schemas", "avro", "StepReply.avsc")));
    int id = registry.register(SUBJECT, fromFile);

    // When a writer with auto-registration off writes a reply
    byte[] bytes = production.serialize("saga.replies", reply());

    // Then it found that schema: its id is in the record, and nothing new was registered
    assertThat(WireFormat.schemaId("saga.replies", bytes)).isEqualTo(id);
    assertThat(registry.latest(SUBJECT).version()).isEqualTo(1);
    assertThat(
            AvroDeserializer.specific(StepReply.class, registry).deserialize("saga.replies", bytes))
        .isEqualTo(reply());
  }

  @Test
  void shouldStillFindWhatAnEarlierVersionRegisteredWithJavaProperties() {
    // Given a registry filled by an earlier Sagaflow, which registered the class's own schema
    int old = registry.register(SUBJECT, StepReply.getClassSchema());

    // When a writer with auto-registration off writes a reply
    byte[] bytes = production.serialize("saga.replies", reply());

    // Then it uses that registration
    assertThat(WireFormat.schemaId("saga.replies", bytes)).isEqualTo(old);
  }

  @Test
  void shouldAddNoVersionWhenAutoRegisteringWhereAnEarlierVersionRegisteredWithJavaProperties() {
    // Given a subject an earlier Sagaflow filled, and a record it wrote
    int old = registry.register(SUBJECT, StepReply.getClassSchema());
    AvroSerializer<StepReply> preview =
        new AvroSerializer<>(registry, AvroSerdeConfig.topicName().withAutoRegister(true));

    // When this version writes with auto-registration on
    byte[] bytes = preview.serialize("saga.replies", reply());

    // Then it reuses that registration: one version, one id
    assertThat(WireFormat.schemaId("saga.replies", bytes)).isEqualTo(old);
    assertThat(registry.latest(SUBJECT).version()).isEqualTo(1);
  }

  @Test
  void shouldAutoRegisterTheSchemaOfTheAvscFile() throws Exception {
    AvroSerializer<StepReply> preview =
        new AvroSerializer<>(registry, AvroSerdeConfig.topicName().withAutoRegister(true));

    preview.serialize("saga.replies", reply());

    Schema fromFile =
        new Schema.Parser()
            .parse(Files.readString(Path.of("..", "schemas", "avro", "StepReply.avsc")));
    assertThat(registry.latest(SUBJECT).schema()).isEqualTo(fromFile);
  }

  @Test
  void shouldNameSubjectRegistryAndCommandWhenTheSchemaIsNotRegistered() {
    assertThatThrownBy(() -> production.serialize("saga.replies", reply()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema for subject '" + SUBJECT + "'")
        .hasMessageContaining("is not registered in " + server.url())
        .hasMessageContaining("`sagaflow schemas register --registry-url " + server.url() + "`")
        .hasMessageContaining("auto.register.schemas is off");
  }

  private static StepReply reply() {
    return StepReply.newBuilder()
        .setStep("reserve-inventory")
        .setAttempt(1)
        .setCommandId("c-1")
        .setOutcome(StepOutcome.SUCCEEDED)
        .build();
  }
}

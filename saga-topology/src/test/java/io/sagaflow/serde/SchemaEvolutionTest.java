package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Consumers on one schema version read records written with another compatible one: the reader
 * schema is the consumer's generated class, the writer schema comes from the registry by id.
 */
class SchemaEvolutionTest {

  private SchemaRegistryServer server;
  private SchemaRegistry registry;

  @BeforeEach
  void startRegistry() {
    server = SchemaRegistryServer.startInMemory();
    registry = new SchemaRegistryClient(RegistryClientSettings.of(server.url().toString()));
  }

  @AfterEach
  void stopRegistry() {
    server.close();
  }

  @Test
  void shouldLetAnOlderReaderReadANewerCompatibleWriter() {
    // Given a newer StepReply (extra optional field, extra enum symbol) registered as version 2
    registry.register("saga.replies-value", StepReply.getClassSchema());
    Schema newer =
        parse(
            StepReply.getClassSchema()
                .toString()
                .replace("\"RETRIABLE_FAILURE\",", "\"RETRIABLE_FAILURE\",\"PARTIAL_SUCCESS\",")
                .replace(
                    "\"fields\":[",
                    "\"fields\":[{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],"
                        + "\"default\":null,\"doc\":\"new\"},"));
    GenericRecord written = new GenericData.Record(newer);
    written.put("tenant", "acme");
    written.put("step", "payment");
    written.put("attempt", 2);
    written.put("commandId", "cmd-2");
    written.put(
        "outcome",
        new GenericData.EnumSymbol(newer.getField("outcome").schema(), "PARTIAL_SUCCESS"));
    written.put("errorCode", null);
    written.put("errorMessage", null);
    written.put("stepResult", ByteBuffer.wrap(new byte[] {1, 2}));

    // When the new producer writes it and a consumer on the current generated class reads it
    byte[] bytes =
        new AvroSerializer<GenericRecord>(
                registry, AvroSerdeConfig.topicName().withAutoRegister(true))
            .serialize("saga.replies", written);
    StepReply read =
        AvroDeserializer.specific(StepReply.class, registry).deserialize("saga.replies", bytes);

    // Then known fields arrive, the unknown field is skipped, the unknown symbol becomes UNKNOWN
    assertThat(registry.latest("saga.replies-value").version()).isEqualTo(2);
    assertThat(read.getStep()).isEqualTo("payment");
    assertThat(read.getAttempt()).isEqualTo(2);
    assertThat(read.getOutcome()).isEqualTo(StepOutcome.UNKNOWN);
    assertThat(read.getStepResult()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2}));
  }

  @Test
  void shouldRestoreStateWrittenBeforeFieldsWereAdded() {
    // Given state written by an older shape that lacked timers, history and traceparent
    Schema older =
        parse(withoutFields(SagaStateRecord.getClassSchema(), "timers", "history", "traceparent"));
    GenericRecord old = new GenericData.Record(older);
    SagaStateRecord current = ContractSamples.stateRecord();
    for (Schema.Field field : older.getFields()) {
      old.put(
          field.name(),
          GenericData.get().deepCopy(field.schema(), genericValue(current, field.name())));
    }

    byte[] bytes =
        new AvroSerializer<GenericRecord>(
                registry, AvroSerdeConfig.topicName().withAutoRegister(true))
            .serialize("saga-state-changelog", old);
    SagaStateRecord restored =
        AvroDeserializer.specific(SagaStateRecord.class, registry)
            .deserialize("saga-state-changelog", bytes);

    // Then the added fields take their defaults and everything else is intact
    assertThat(restored.getTimers()).isEmpty();
    assertThat(restored.getHistory()).isEmpty();
    assertThat(restored.getTraceparent()).isNull();
    assertThat(restored.getSteps()).isEqualTo(current.getSteps());
    assertThat(restored.getStateVersion()).isEqualTo(1);
  }

  private static Object genericValue(SagaStateRecord record, String field) {
    // Round through the generic model so logical types become their raw Avro form.
    GenericRecord generic =
        (GenericRecord) GenericData.get().deepCopy(record.getSchema(), toGeneric(record));
    return generic.get(field);
  }

  private static GenericRecord toGeneric(SagaStateRecord record) {
    InMemorySchemaRegistry scratch = new InMemorySchemaRegistry();
    byte[] bytes =
        new AvroSerializer<SagaStateRecord>(
                scratch, AvroSerdeConfig.topicName().withAutoRegister(true))
            .serialize("scratch", record);
    return (GenericRecord) AvroDeserializer.generic(scratch).deserialize("scratch", bytes);
  }

  private static String withoutFields(Schema schema, String... names) {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    try {
      com.fasterxml.jackson.databind.node.ObjectNode root =
          (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(schema.toString());
      com.fasterxml.jackson.databind.node.ArrayNode fields =
          (com.fasterxml.jackson.databind.node.ArrayNode) root.get("fields");
      for (int i = fields.size() - 1; i >= 0; i--) {
        if (java.util.Arrays.asList(names).contains(fields.get(i).get("name").asText())) {
          fields.remove(i);
        }
      }
      return root.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Schema parse(String json) {
    return new Schema.Parser().parse(json);
  }
}

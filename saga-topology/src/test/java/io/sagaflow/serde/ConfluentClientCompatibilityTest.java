package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.StepReply;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.ParsedSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Confluent's own client (7.5.3, relocated inside Flink's jar) against our registry server: the
 * oracle that our server speaks the real API, and that our client and theirs agree on ids.
 */
class ConfluentClientCompatibilityTest {

  private SchemaRegistryServer server;
  private CachedSchemaRegistryClient confluent;
  private SchemaRegistryClient ours;

  @BeforeEach
  void start() {
    server = SchemaRegistryServer.startInMemory();
    confluent = new CachedSchemaRegistryClient(server.url().toString(), 100);
    ours = new SchemaRegistryClient(RegistryClientSettings.of(server.url().toString()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Confluent's client carries its own relocated Avro, so schemas cross over as JSON text. */
  private static AvroSchema confluentSchema(Schema schema) {
    return new AvroSchema(schema.toString());
  }

  private static Schema ourSchema(ParsedSchema schema) {
    return new Schema.Parser().parse(schema.canonicalString());
  }

  @Test
  void shouldRegisterAndLookUpWithConfluentsClientAndAgreeOnIds() throws Exception {
    Schema schema = StepReply.getClassSchema();

    int confluentId = confluent.register("saga.replies-value", confluentSchema(schema));
    int ourId = ours.register("saga.replies-value", schema);
    Schema byId = ourSchema(confluent.getSchemaById(ourId));

    assertThat(ourId).isEqualTo(confluentId);
    assertThat(byId).isEqualTo(schema);
    assertThat(confluent.getId("saga.replies-value", confluentSchema(schema))).isEqualTo(ourId);
    assertThat(confluent.getLatestSchemaMetadata("saga.replies-value").getId()).isEqualTo(ourId);
    assertThat(confluent.getLatestSchemaMetadata("saga.replies-value").getVersion()).isEqualTo(1);
  }

  @Test
  void shouldSeeSchemasOurClientRegisteredAndViceVersa() throws Exception {
    ContractSamples.all().forEach(r -> ours.register(r.getSchema().getFullName(), r.getSchema()));
    Schema extra =
        new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Extra\",\"fields\":[]}");
    int extraId = confluent.register("extra-value", confluentSchema(extra));

    assertThat(confluent.getAllSubjects())
        .containsExactlyInAnyOrderElementsOf(ours.subjects())
        .contains("io.sagaflow.contract.SagaStateRecord", "extra-value");
    for (var record : ContractSamples.all()) {
      String subject = record.getSchema().getFullName();
      int id = ours.idOf(subject, record.getSchema());
      assertThat(ourSchema(confluent.getSchemaById(id))).isEqualTo(record.getSchema());
    }
    assertThat(ours.schemaById(extraId)).isEqualTo(extra);
  }

  @Test
  void shouldAnswerConfluentsCompatibilityCheckAndRefuseIncompatibleRegistration()
      throws Exception {
    Schema v1 = StepReply.getClassSchema();
    confluent.register("saga.replies-value", confluentSchema(v1));
    Schema required =
        new Schema.Parser()
            .parse(
                v1.toString()
                    .replace(
                        "\"fields\":[", "\"fields\":[{\"name\":\"tenant\",\"type\":\"string\"},"));
    Schema optional =
        new Schema.Parser()
            .parse(
                v1.toString()
                    .replace(
                        "\"fields\":[",
                        "\"fields\":[{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null},"));

    assertThat(confluent.testCompatibility("saga.replies-value", confluentSchema(required)))
        .isFalse();
    assertThat(confluent.testCompatibility("saga.replies-value", confluentSchema(optional)))
        .isTrue();
    assertThat(ours.testCompatibility("saga.replies-value", required).messages())
        .anyMatch(m -> m.contains("tenant"));
    assertThatThrownBy(() -> confluent.register("saga.replies-value", confluentSchema(required)))
        .isInstanceOfSatisfying(
            RestClientException.class, e -> assertThat(e.getErrorCode()).isEqualTo(409));
  }

  @Test
  void shouldReportUnknownIdsAndSubjectsWithConfluentCodes() {
    assertThatThrownBy(() -> confluent.getSchemaById(4242))
        .isInstanceOfSatisfying(
            RestClientException.class, e -> assertThat(e.getErrorCode()).isEqualTo(40403));
    assertThatThrownBy(() -> confluent.getLatestSchemaMetadata("nobody-value"))
        .isInstanceOfSatisfying(
            RestClientException.class, e -> assertThat(e.getErrorCode()).isEqualTo(40401));
  }

  @Test
  void shouldShareCompatibilityConfigWithConfluentsClient() throws Exception {
    ours.setCompatibility(Optional.of("saga.events-value"), "FULL_TRANSITIVE");
    var config =
        new org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client
            .rest.entities.Config("NONE");

    confluent.updateConfig(null, config);

    assertThat(confluent.getConfig("saga.events-value").getCompatibilityLevel())
        .isEqualTo("FULL_TRANSITIVE");
    assertThat(ours.compatibility(Optional.empty())).isEqualTo("NONE");
    assertThat(List.of(ours.compatibility(Optional.of("other")))).containsExactly("NONE");
  }
}

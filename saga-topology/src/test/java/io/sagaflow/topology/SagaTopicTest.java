package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.contract.StepReply;
import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.serde.SubjectNameStrategy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class SagaTopicTest {
  private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();

  @Test
  void shouldPairEachCoreTopicWithTheSubjectStrategyTheContractNames() {
    assertThat(SagaTopics.REQUEST_RECORDS.subjects()).isEqualTo(SubjectNameStrategy.RECORD_NAME);
    assertThat(SagaTopics.commandRecords("inventory.commands").subjects())
        .isEqualTo(SubjectNameStrategy.RECORD_NAME);
    assertThat(SagaTopics.NESTED_RECORDS.subjects()).isEqualTo(SubjectNameStrategy.RECORD_NAME);
    assertThat(
            List.of(
                SagaTopics.REPLY_RECORDS,
                SagaTopics.EVENT_RECORDS,
                SagaTopics.DEAD_LETTER_RECORDS,
                SagaTopics.STATE_RECORDS))
        .allSatisfy(t -> assertThat(t.subjects()).isEqualTo(SubjectNameStrategy.TOPIC_NAME));
    assertThat(SagaTopics.REPLY_RECORDS.valueType()).isEqualTo(StepReply.class);
    assertThat(SagaTopics.REQUEST_RECORDS.name()).isEqualTo(SagaTopics.REQUESTS);
  }

  @Test
  void shouldRegisterARequestUnderItsRecordNameAndReadItBack() {
    CancelSaga cancel = CancelSaga.newBuilder().setReason("changed my mind").build();

    byte[] bytes = SagaTopics.REQUEST_RECORDS.serializer(schemas, true).serialize("any", cancel);
    SpecificRecord read =
        SagaTopics.REQUEST_RECORDS.deserializer(schemas).deserialize("any", bytes);

    assertThat(schemas.subjects()).containsExactly(CancelSaga.class.getName());
    assertThat(read).isEqualTo(cancel);
  }

  @Test
  void shouldRegisterADeadLetterUnderTheTopicItIsWrittenToAndReadItBackTyped() {
    DeadLetter letter =
        new DeadLetters(SagaTopics.DLQ, schemas, true, new SagaCounters())
            .letter(
                DeadLetterReason.PROCESSING_FAILED,
                "it broke",
                "saga-timers",
                -1,
                -1,
                Optional.of("s-1"),
                null,
                null,
                Instant.parse("2024-01-01T00:00:00Z"));
    var serde = SagaTopics.DEAD_LETTER_RECORDS.serde(schemas, true);

    byte[] bytes = serde.serializer().serialize("custom.dlq", letter);

    assertThat(schemas.subjects()).containsExactly("custom.dlq-value");
    assertThat(serde.deserializer().deserialize("custom.dlq", bytes)).isEqualTo(letter);
    assertThat(SagaTopics.DEAD_LETTER_RECORDS)
        .hasToString("saga.dlq (DeadLetter, TOPIC_NAME subjects)");
  }
}

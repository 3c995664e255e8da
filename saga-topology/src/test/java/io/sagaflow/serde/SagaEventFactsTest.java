package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaFact;
import java.io.File;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * Every consumer of saga.events sees the same facts in old one-fact and new per-decision records.
 */
class SagaEventFactsTest {
  private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void shouldExpandARecordWrittenBeforeFurtherFactsExistedToItself() throws IOException {
    // Given a STEP_SUCCEEDED record written with the released schema, which has no furtherFacts
    Schema released =
        new Schema.Parser().parse(new File("../schemas/avro/released/SagaEvent.avsc"));
    GenericRecord old = new GenericData.Record(released);
    old.put("sagaId", "s1");
    old.put("sagaType", "order-fulfilment");
    old.put("definitionVersion", 1);
    old.put(
        "eventType",
        new GenericData.EnumSymbol(released.getField("eventType").schema(), "STEP_SUCCEEDED"));
    old.put("step", "reserve-inventory");
    old.put("attempt", 1);
    old.put("status", "RUNNING");
    old.put("reason", null);
    old.put("at", AT.toEpochMilli());
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    byte[] bytes =
        new AvroSerializer<GenericRecord>(
                registry, AvroSerdeConfig.topicName().withAutoRegister(true))
            .serialize("saga.events", old);

    // When today's reader reads it
    SagaEvent read =
        AvroDeserializer.specific(SagaEvent.class, registry).deserialize("saga.events", bytes);

    // Then it has no further facts and expands to itself
    assertThat(read.getFurtherFacts()).isEmpty();
    assertThat(SagaEventFacts.of(read)).containsExactly(read);
  }

  @Test
  void shouldExpandADecisionsFactsInOrderWithTheRecordsSagaAndTime() {
    SagaEvent record =
        SagaEvent.newBuilder()
            .setSagaId("s2")
            .setSagaType("order-fulfilment")
            .setDefinitionVersion(2)
            .setEventType(SagaEventType.SAGA_STARTED)
            .setStatus("RUNNING")
            .setAt(AT)
            .setRolloutId("r-1")
            .setRolloutGeneration(3L)
            .setRolloutWeight(1000)
            .setRolloutBucket(42)
            .setRolloutRole("CANDIDATE")
            .setFurtherFacts(
                List.of(
                    new SagaFact(
                        SagaEventType.STEP_STARTED, "reserve-inventory", 1, "RUNNING", null),
                    new SagaFact(
                        SagaEventType.INVARIANT_VIOLATED, null, null, "RUNNING", "stock-held")))
            .build();

    List<SagaEvent> facts = SagaEventFacts.of(record);

    assertThat(facts)
        .extracting(SagaEvent::getEventType)
        .containsExactly(
            SagaEventType.SAGA_STARTED,
            SagaEventType.STEP_STARTED,
            SagaEventType.INVARIANT_VIOLATED);
    assertThat(facts).allSatisfy(f -> assertThat(f.getFurtherFacts()).isEmpty());
    assertThat(facts)
        .allSatisfy(
            f -> {
              assertThat(f.getSagaId()).isEqualTo("s2");
              assertThat(f.getSagaType()).isEqualTo("order-fulfilment");
              assertThat(f.getDefinitionVersion()).isEqualTo(2);
              assertThat(f.getAt()).isEqualTo(AT);
            });
    assertThat(facts.get(0).getRolloutId()).isEqualTo("r-1");
    assertThat(facts.get(0).getRolloutRole()).isEqualTo("CANDIDATE");
    assertThat(facts.get(1).getRolloutId()).isNull();
    assertThat(facts.get(1).getStep()).isEqualTo("reserve-inventory");
    assertThat(facts.get(1).getAttempt()).isEqualTo(1);
    assertThat(facts.get(2).getReason()).isEqualTo("stock-held");
    assertThat(SagaEventFacts.ofAll(List.of(record, record))).hasSize(6);
  }
}

package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.topology.SagaDriver.header;
import static io.sagaflow.topology.SagaDriver.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.examples.order.ReleaseInventory;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistryException;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An input whose processing throws is dead-lettered as PROCESSING_FAILED with the stack trace, and
 * leaves no state behind; a registry outage stops the task instead of emptying inputs into the DLQ.
 */
class ProcessingFailureTest {
  private static final String EXPLODING = "exploding-start";
  private static final String NOT_AVRO = "plain-object-command";
  private static final String UNSERIALIZABLE = "command-missing-a-field";

  private final SagaDriver saga =
      new SagaDriver(
          SagaRegistry.of(
              OrderFulfilmentSaga.definition(),
              SagaDriver.oneStepSaga(
                  EXPLODING,
                  d -> {
                    throw new IllegalStateException("inventory client not configured");
                  },
                  d -> new ReleaseInventory(d.getOrderId(), "r")),
              SagaDriver.oneStepSaga(
                  NOT_AVRO,
                  d -> "reserve " + d.getOrderId(),
                  d -> new ReleaseInventory(d.getOrderId(), "r")),
              SagaDriver.oneStepSaga(
                  UNSERIALIZABLE,
                  d -> new ReleaseInventory(null, "r"),
                  d -> new ReleaseInventory(d.getOrderId(), "r"))));

  @AfterEach
  void close() {
    saga.close();
  }

  private TestRecord<byte[], byte[]> onlyLetter() {
    List<TestRecord<byte[], byte[]>> letters = saga.deadLetters();
    assertThat(letters).hasSize(1);
    return letters.get(0);
  }

  @Test
  void shouldDeadLetterStartWhoseActionThrowsAndKeepProcessing() {
    // When a saga definition's first command factory throws
    saga.start("p1", EXPLODING, Optional.empty(), order("o-1"), Optional.empty());

    // Then the start is dead-lettered with the exception, its stack trace and the original bytes
    TestRecord<byte[], byte[]> letter = onlyLetter();
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_REASON)).isEqualTo("PROCESSING_FAILED");
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_DETAIL))
        .contains("java.lang.IllegalStateException: inventory client not configured");
    assertThat(header(letter, "__streams.errors.exception"))
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(header(letter, "__streams.errors.stacktrace"))
        .contains("inventory client not configured", "SagaCoordinator");
    DeadLetter value = saga.decodeLetter(letter);
    assertThat(value.getSagaId()).isEqualTo("p1");
    StartSaga original =
        AvroDeserializer.specific(StartSaga.class, saga.schemas)
            .deserialize("saga.requests", DataCodec.toArray(value.getOriginalValue()));
    assertThat(original.getSagaType()).isEqualTo(EXPLODING);
    assertThat(saga.status("p1")).isEqualTo("ABSENT");
    assertThat(saga.timerCount()).isZero();

    // And the next input is processed as usual
    saga.start("p2");
    assertThat(saga.onlyCommand(INVENTORY).sagaId()).isEqualTo("p2");
  }

  @Test
  void shouldStoreNothingWhenStepBuildsCommandThatIsNotAvro() {
    // When a definition's command factory returns a plain object
    saga.start("p3", NOT_AVRO, Optional.empty(), order("o-3"), Optional.empty());

    // Then the start is dead-lettered, and no saga is left waiting for a command never sent
    assertThat(header(onlyLetter(), SagaHeaders.SAGA_DLQ_DETAIL))
        .contains("Step 'reserve' built a java.lang.String; commands must be Avro generated");
    assertThat(saga.status("p3")).isEqualTo("ABSENT");
    assertThat(saga.timerCount()).isZero();
    assertThat(saga.commands(INVENTORY)).isEmpty();
  }

  @Test
  void shouldWriteOneDeadLetterWhenCommandCannotBeSerialized() {
    // When a step builds a command that its schema rejects (a required field is null)
    saga.start("p7", UNSERIALIZABLE, Optional.empty(), order("o-7"), Optional.empty());

    // Then exactly one record reaches the dead-letter topic, and it is a DeadLetter
    TestRecord<byte[], byte[]> letter = onlyLetter();
    DeadLetter value = saga.decodeLetter(letter);
    assertThat(value.getReason().name()).isEqualTo("PROCESSING_FAILED");
    assertThat(value.getSagaId()).isEqualTo("p7");
    assertThat(value.getDetail()).contains("Unable to serialize record", "inventory.commands");
    assertThat(header(letter, "__streams.errors.stacktrace")).contains("ReleaseInventory.orderId");
    assertThat(saga.commands(INVENTORY)).isEmpty();
  }

  @Test
  void shouldDeadLetterInputForSagaWhoseDefinitionVersionIsNoLongerRegistered() {
    // Given a saga stored by a deployment that ran order-fulfilment v2
    saga.start("p4");
    saga.onlyCommand(INVENTORY);
    SagaStateRecord v2 =
        SagaStateRecord.newBuilder(saga.state("p4").orElseThrow()).setDefinitionVersion(2).build();
    saga.stateStore().put("p4", v2);

    // When a cancel for it arrives here, where only v1 is registered
    saga.cancel("p4", "customer asked");

    // Then the cancel is dead-lettered with advice, and the saga is kept as it was
    assertThat(header(onlyLetter(), SagaHeaders.SAGA_DLQ_DETAIL))
        .contains("runs on order-fulfilment v2", "keep old versions registered");
    assertThat(saga.state("p4")).contains(v2);
  }

  @Test
  void shouldStopInsteadOfDeadLetteringWhenRegistryIsDownWhileReadingStartData() {
    // Given the processor has read a start before (its schema is cached), not yet any saga data
    saga.start("p5", "no-such-saga", Optional.empty(), order("o-5"), Optional.empty());
    assertThat(onlyLetter()).isNotNull();

    // When the registry goes down and a valid start needs its data schema
    saga.takeRegistryDown();

    // Then the task stops instead of dead-lettering a valid start as invalid
    assertThatThrownBy(() -> saga.start("p6"))
        .hasStackTraceContaining(SchemaRegistryException.class.getName());
    assertThat(saga.deadLetters()).isEmpty();
    assertThat(saga.counters.get("dead-letter.VALIDATION_FAILED")).isEqualTo(1);
  }
}

package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaFact;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.engine.Decision;
import io.sagaflow.engine.InputVerdict;
import io.sagaflow.engine.Outbound;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaEngine;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.examples.order.OrderFulfilmentData;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.serde.AvroSerde;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.InMemorySchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class DecisionWriterTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final SagaDefinition<OrderFulfilmentData> SAGA = OrderFulfilmentSaga.definition();

  private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
  private final SagaCounters counters = new SagaCounters();
  private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
  private final KeyValueStore<String, SagaStateRecord> states =
      store(
          Stores.keyValueStoreBuilder(
              Stores.inMemoryKeyValueStore(SagaTopology.STATE_STORE),
              Serdes.String(),
              AvroSerde.specific(
                  SagaStateRecord.class,
                  schemas,
                  AvroSerdeConfig.topicName().withAutoRegister(true))));
  private final KeyValueStore<Bytes, byte[]> timers = bytesStore(SagaTopology.TIMER_STORE);
  private final KeyValueStore<Bytes, byte[]> index = bytesStore(SagaTopology.INDEX_STORE);

  private <K, V> KeyValueStore<K, V> store(StoreBuilder<KeyValueStore<K, V>> builder) {
    KeyValueStore<K, V> store = builder.withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }

  private KeyValueStore<Bytes, byte[]> bytesStore(String name) {
    return store(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray()));
  }

  private DecisionWriter writer(Map<String, String> commandSinks) {
    DataCodec data = new DataCodec(schemas, true);
    CoordinatorWiring wiring =
        new CoordinatorWiring(
            SagaTopology.STATE_STORE,
            SagaTopology.TIMER_STORE,
            SagaTopology.INDEX_STORE,
            SagaTopics.REPLIES,
            "sink-events",
            "sink-observations",
            "sink-dlq",
            commandSinks,
            data,
            new DeadLetters(SagaTopics.DLQ, schemas, true, counters),
            counters,
            Duration.ofSeconds(1),
            10,
            List.of(SagaTopics.REQUESTS, SagaTopics.REPLIES),
            Duration.ZERO,
            0,
            Duration.ZERO,
            Duration.ZERO);
    return new DecisionWriter(context, wiring, new StateCodec(data));
  }

  private static Map<String, String> allSinks() {
    Map<String, String> sinks = new LinkedHashMap<>();
    SagaTopics.commandTopics(SagaRegistry.of(SAGA)).forEach(t -> sinks.put(t, "sink-" + t));
    return sinks;
  }

  private static Decision<OrderFulfilmentData> start() {
    return SagaEngine.decide(
        SAGA,
        Optional.empty(),
        new SagaInput.Start<>(
            "s-1",
            OrderFulfilmentSaga.TYPE,
            Optional.empty(),
            SagaDriver.order("o-1"),
            Optional.empty()),
        T0);
  }

  private static long count(KeyValueStore<?, ?> store) {
    return store.approximateNumEntries();
  }

  @Test
  void shouldStoreStateIndexAndTimersAndForwardTheCommandAndEventOfAStart() {
    // Given a start: SAGA_STARTED, the first step's command, STEP_STARTED
    Decision<OrderFulfilmentData> decision = start();
    assertThat(decision.outbound())
        .extracting(o -> o instanceof Outbound.Command ? "command" : "event")
        .containsExactly("event", "command", "event");

    writer(allSinks()).write(Optional.empty(), decision, T0);

    assertThat(states.get("s-1").getStatus()).isEqualTo("RUNNING");
    assertThat(count(index)).isEqualTo(1);
    assertThat(count(timers)).isEqualTo(decision.timerChanges().size());
    // Then both events go out as one record, at the place of the first
    assertThat(context.forwarded())
        .extracting(f -> f.childName().orElseThrow())
        .containsExactly("sink-events", "sink-" + OrderFulfilmentSaga.INVENTORY);
    SagaEvent event = (SagaEvent) context.forwarded().get(0).record().value();
    assertThat(event.getEventType()).isEqualTo(SagaEventType.SAGA_STARTED);
    assertThat(event.getFurtherFacts())
        .extracting(SagaFact::getEventType, SagaFact::getStep, SagaFact::getAttempt)
        .containsExactly(tuple(SagaEventType.STEP_STARTED, "reserve-inventory", 1));
  }

  @Test
  void shouldWriteNothingWhenAnOutboundRecordHasNowhereToGo() {
    DecisionWriter withoutSinks = writer(Map.of());

    assertThatThrownBy(() -> withoutSinks.write(Optional.empty(), start(), T0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No sink for command topic " + OrderFulfilmentSaga.INVENTORY);
    assertThat(states.get("s-1")).isNull();
    assertThat(count(index) + count(timers)).isZero();
    assertThat(context.forwarded()).isEmpty();
  }

  @Test
  void shouldLeaveEverythingAsItWasForADecisionWithoutChanges() {
    writer(allSinks())
        .write(Optional.empty(), Decision.unchanged(InputVerdict.DUPLICATE, "seen before"), T0);

    assertThat(count(states) + count(index) + count(timers)).isZero();
    assertThat(context.forwarded()).isEmpty();
  }
}

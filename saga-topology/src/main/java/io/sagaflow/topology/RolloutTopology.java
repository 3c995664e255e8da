package io.sagaflow.topology;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.SchemaRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The rollout part of the saga processor's topology:
 *
 * <pre>
 * saga.rollouts ─► global store saga-rollouts (every instance; read by the coordinator at starts)
 * coordinator ─► saga.rollout.observations (keyed by saga type): the lifecycle events of sagas a
 *                rollout placed, and invariant violations, while their type's rollout is ACTIVE
 * saga.rollout.requests ─┐
 * saga.rollout.observations ─► rollout-controller ─► saga.rollouts, saga.rollout.events,
 *                             stores: saga-rollout-control,     saga.requests (cancels)
 *                                     saga-rollout-tracking
 * </pre>
 */
public final class RolloutTopology {
  /** The global store of every saga type's rollout, as last published. */
  public static final String ROLLOUTS_STORE = "saga-rollouts";

  /** The controller's own rollout state, the one written first (changelogged). */
  public static final String CONTROL_STORE = "saga-rollout-control";

  /** Sagas and steps the controller tracks while a rollout is ACTIVE. */
  public static final String TRACKING_STORE = "saga-rollout-tracking";

  static final String SOURCE_ROLLOUTS = "source-rollouts";
  static final String UPDATE_ROLLOUTS = "update-rollouts";
  static final String SINK_OBSERVATIONS = "sink-rollout-observations";
  static final String SOURCE_OBSERVATIONS = "source-rollout-observations";
  static final String SOURCE_REQUESTS = "source-rollout-requests";
  static final String CONTROLLER = "rollout-controller";
  static final String SINK_ROLLOUTS = "sink-rollouts";
  static final String SINK_EVENTS = "sink-rollout-events";
  static final String SINK_CANCELS = "sink-rollout-cancels";

  private RolloutTopology() {}

  /** Adds the rollout nodes and stores to {@code topology}, for the sagas in {@code registry}. */
  static void add(
      Topology topology, SagaRegistry registry, SchemaRegistry schemas, boolean autoRegister) {
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ROLLOUTS_STORE),
                Serdes.String(),
                RolloutTopics.ROLLOUT_RECORDS.serde(schemas, autoRegister))
            // The topic is the store's changelog: global stores restore from their source.
            .withLoggingDisabled(),
        SOURCE_ROLLOUTS,
        new StringDeserializer(),
        RolloutTopics.ROLLOUT_RECORDS.deserializer(schemas),
        RolloutTopics.ROLLOUTS,
        UPDATE_ROLLOUTS,
        GlobalUpdate::new);

    // The coordinator writes the lifecycle events the controller needs here itself, keyed by saga
    // type (DecisionWriter): reading every saga.events record back to drop nearly all of them cost
    // the stream thread about a tenth of its time per input.
    // The same bytes as on saga.events, under that topic's subject: the observations topic has no
    // subject of its own to register.
    Serializer<SagaEvent> events = SagaTopics.EVENT_RECORDS.serializer(schemas, autoRegister);
    topology.addSink(
        SINK_OBSERVATIONS,
        RolloutTopics.OBSERVATIONS,
        new StringSerializer(),
        (Serializer<SagaEvent>) (topic, event) -> events.serialize(SagaTopics.EVENTS, event),
        SagaTopology.COORDINATOR);

    topology.addSource(
        SOURCE_REQUESTS,
        new StringDeserializer(),
        RolloutTopics.REQUEST_RECORDS.deserializer(schemas),
        RolloutTopics.REQUESTS);
    topology.addSource(
        SOURCE_OBSERVATIONS,
        new StringDeserializer(),
        SagaTopics.EVENT_RECORDS.deserializer(schemas),
        RolloutTopics.OBSERVATIONS);
    topology.addProcessor(
        CONTROLLER, () -> new RolloutController(registry), SOURCE_REQUESTS, SOURCE_OBSERVATIONS);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CONTROL_STORE),
            Serdes.String(),
            RolloutTopics.ROLLOUT_RECORDS.serde(schemas, true)),
        CONTROLLER);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(TRACKING_STORE), Serdes.String(), Serdes.String()),
        CONTROLLER);
    topology.addSink(
        SINK_ROLLOUTS,
        RolloutTopics.ROLLOUTS,
        new StringSerializer(),
        RolloutTopics.ROLLOUT_RECORDS.serializer(schemas, autoRegister),
        CONTROLLER);
    topology.addSink(
        SINK_EVENTS,
        RolloutTopics.EVENTS,
        new StringSerializer(),
        RolloutTopics.EVENT_RECORDS.serializer(schemas, autoRegister),
        CONTROLLER);
    topology.addSink(
        SINK_CANCELS,
        SagaTopics.REQUESTS,
        new StringSerializer(),
        SagaTopics.REQUEST_RECORDS.serializer(schemas, autoRegister),
        CONTROLLER);
  }

  /**
   * Keeps the global store equal to the topic: the latest record per type, none after a tombstone.
   */
  private static final class GlobalUpdate implements Processor<String, Rollout, Void, Void> {
    private KeyValueStore<String, Rollout> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.store = context.getStateStore(ROLLOUTS_STORE);
    }

    @Override
    public void process(Record<String, Rollout> record) {
      if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
    }
  }
}

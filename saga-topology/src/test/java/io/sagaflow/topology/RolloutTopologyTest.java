package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.RolloutEvent;
import io.sagaflow.contract.RolloutRequest;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.engine.RetryPolicy;
import io.sagaflow.engine.RolloutInForce;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.StepKind;
import io.sagaflow.engine.StepStatus;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderFulfilmentData;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.examples.order.ReleaseInventory;
import io.sagaflow.examples.order.ReserveInventory;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.AvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rollouts through the real topology: operators' requests in, placement of new sagas by weight,
 * guards judged from the lifecycle events, the rollback and what it does to running candidates.
 */
class RolloutTopologyTest {
  private static final String TYPE = "canary-order";

  /** v1 is stable; v2, the candidate, breaks its invariant as soon as its step succeeds. */
  private static final SagaRegistry VERSIONS =
      SagaRegistry.of(definition(1, false), definition(2, true));

  private final List<SagaDriver> drivers = new ArrayList<>();

  @AfterEach
  void close() {
    drivers.forEach(SagaDriver::close);
  }

  @Test
  void shouldPlaceNewSagasByWeightDeterministicallyAndRecordThePlacement() {
    // Given a rollout sending 30% of new sagas to the candidate
    Run live = new Run();
    live.request(start("r-1", 3_000, "CONTINUE"));
    Rollout rollout = live.onlyRollout();
    assertThat(rollout.getPhase()).isEqualTo("ACTIVE");
    assertThat(rollout.getStableVersion()).isEqualTo(1);
    assertThat(rollout.getCandidateVersion()).isEqualTo(2);

    // When 300 sagas start without naming a version, and one names v1
    List<String> ids = IntStream.range(0, 300).mapToObj(i -> "order-" + i).toList();
    ids.forEach(live::start);
    live.saga.start("pinned", TYPE, Optional.of(1), SagaDriver.order("pinned"), Optional.empty());

    // Then each went where its bucket says, about 30% to the candidate, recorded in its state
    RolloutInForce inForce = RolloutsInForce.inForce(rollout).orElseThrow();
    Map<String, Integer> placed = live.versions(ids);
    ids.forEach(id -> assertThat(placed.get(id)).as(id).isEqualTo(inForce.assign(id).version()));
    long candidates = placed.values().stream().filter(v -> v == 2).count();
    assertThat(candidates).isBetween(60L, 120L);
    SagaStateRecord one = live.saga.state(ids.get(0)).orElseThrow();
    assertThat(one.getRolloutId()).isEqualTo("r-1");
    assertThat(one.getRolloutGeneration()).isEqualTo(1L);
    assertThat(one.getRolloutWeight()).isEqualTo(3_000);
    assertThat(one.getRolloutRole())
        .isEqualTo(one.getDefinitionVersion() == 2 ? "CANDIDATE" : "STABLE");
    // and in its SAGA_STARTED event
    SagaEvent started =
        live.saga.events().stream()
            .filter(e -> e.getSagaId().equals(ids.get(0)))
            .filter(e -> e.getEventType() == SagaEventType.SAGA_STARTED)
            .findFirst()
            .orElseThrow();
    assertThat(started.getRolloutId()).isEqualTo("r-1");
    assertThat(started.getRolloutBucket()).isEqualTo(one.getRolloutBucket());
    // and a start that names a version keeps it, unplaced
    SagaStateRecord pinned = live.saga.state("pinned").orElseThrow();
    assertThat(pinned.getDefinitionVersion()).isEqualTo(1);
    assertThat(pinned.getRolloutId()).isNull();

    // When the same inputs are replayed into a fresh processor
    Run replay = new Run();
    replay.request(start("r-1", 3_000, "CONTINUE"));
    ids.forEach(replay::start);

    // Then every saga is placed exactly as in the live run
    assertThat(replay.versions(ids)).isEqualTo(placed);
  }

  @Test
  void shouldRollBackExactlyOnceWhenAnInvariantBreaksEvenWhenTheObservationIsRedelivered() {
    // Given a rollout at 50%
    Run run = new Run();
    run.startRollout(start("r-2", 5_000, "CONTINUE"));
    String candidate = run.firstSagaOn(2, "c-");

    // When the candidate's step succeeds and its invariant breaks
    SagaDriver.Command reserve = run.commandFor(candidate);
    run.saga.succeed(reserve, new InventoryReserved("res"));

    // Then the rollout is rolled back once, naming the guard and the figures
    List<RolloutEvent> events = run.rolloutEvents();
    assertThat(events)
        .extracting(RolloutEvent::getEventType)
        .containsExactly("ROLLOUT_ROLLED_BACK");
    RolloutEvent rolledBack = events.get(0);
    assertThat(rolledBack.getGuard()).isEqualTo("INVARIANT_VIOLATIONS");
    assertThat(rolledBack.getObserved()).startsWith("1 invariant violation(s)");
    assertThat(rolledBack.getThreshold()).isEqualTo("at most 0");
    Rollout rollout = run.onlyRollout();
    assertThat(rollout.getPhase()).isEqualTo("ROLLED_BACK");
    assertThat(rollout.getGeneration()).isEqualTo(2L);

    // When every observation the controller read is delivered again
    run.redeliverObservations();

    // Then nothing more happens
    assertThat(run.rolloutEvents()).isEmpty();
    assertThat(run.rollouts()).isEmpty();
    assertThat(run.controlState().getGeneration()).isEqualTo(2L);

    // And every new saga gets the stable version at once; the candidate saga stays on v2
    List<String> after = IntStream.range(0, 50).mapToObj(i -> "after-" + i).toList();
    after.forEach(run::start);
    assertThat(run.versions(after).values()).containsOnly(1);
    assertThat(run.saga.state(candidate).orElseThrow().getDefinitionVersion()).isEqualTo(2);
  }

  @Test
  void shouldLetRunningCandidateSagasContinueAfterARollbackByDefault() {
    // Given running sagas on both versions
    Run run = new Run();
    run.startRollout(start("r-3", 5_000, "CONTINUE"));
    String candidate = run.firstSagaOn(2, "c-");
    String stable = run.firstSagaOn(1, "s-");

    // When an operator rolls the rollout back
    run.request(action("ROLLBACK", "rb-3"));

    // Then no saga is cancelled and both keep waiting on their step
    RolloutEvent event = run.rolloutEvents().get(0);
    assertThat(event.getGuard()).isEqualTo("OPERATOR");
    assertThat(event.getCancelledSagas()).isZero();
    assertThat(run.saga.status(candidate)).isEqualTo("RUNNING");
    assertThat(run.saga.status(stable)).isEqualTo("RUNNING");
  }

  @Test
  void shouldCompensateRunningCandidateSagasWhenTheRolloutSaysSo() {
    // Given running sagas on both versions, under a rollout that compensates on rollback
    Run run = new Run();
    run.startRollout(start("r-4", 5_000, "COMPENSATE"));
    String candidate = run.firstSagaOn(2, "c-");
    String stable = run.firstSagaOn(1, "s-");
    run.commandFor(candidate);
    run.commandFor(stable);

    // When an operator rolls it back
    run.request(action("ROLLBACK", "rb-4"));

    // Then the candidate saga is cancelled and compensates; the stable one runs on
    assertThat(run.rolloutEvents().get(0).getCancelledSagas()).isEqualTo(1);
    assertThat(run.saga.status(candidate)).isIn("COMPENSATING", "COMPENSATED");
    assertThat(run.saga.status(stable)).isEqualTo("RUNNING");
  }

  @Test
  void shouldRejectASecondStartWhileOneIsActive() {
    Run run = new Run();
    run.startRollout(start("r-5", 1_000, "CONTINUE"));

    run.request(start("r-6", 1_000, "CONTINUE"));

    RolloutEvent rejected = run.rolloutEvents().get(0);
    assertThat(rejected.getEventType()).isEqualTo("ROLLOUT_REJECTED");
    assertThat(rejected.getRequestId()).isEqualTo("r-6");
    assertThat(rejected.getReason()).contains("r-5").contains("ACTIVE");
    assertThat(run.controlState().getRolloutId()).isEqualTo("r-5");
  }

  @Test
  void shouldPromoteAutomaticallyAfterACleanObservationWindow() {
    // Given a candidate that keeps its invariants, rolled out at 50%, promoted automatically
    // after a minute once 2 sagas of each version have ended
    Run run = new Run(SagaRegistry.of(definition(1, false), definition(2, false)));
    run.startRollout(
        RolloutRequest.newBuilder(start("r-7", 5_000, "CONTINUE"))
            .setMinSample(2)
            .setAutoPromoteAfterMs(60_000L)
            .build());
    for (int i = 0; i < 12; i++) {
      String id = "p-" + i;
      run.start(id);
      run.saga.succeed(run.commandFor(id), new InventoryReserved("res"));
    }

    // When less than the window has passed, nothing happens
    run.saga.tick(Duration.ofSeconds(30));
    assertThat(run.controlState().getPhase()).isEqualTo("ACTIVE");

    // When the window has passed
    run.saga.tick(Duration.ofSeconds(31));

    // Then the rollout is promoted and every new saga gets the candidate
    RolloutEvent promoted = run.rolloutEvents().get(0);
    assertThat(promoted.getEventType()).isEqualTo("ROLLOUT_PROMOTED");
    assertThat(promoted.getGuard()).isEqualTo("AUTO_PROMOTION");
    List<String> after = IntStream.range(0, 20).mapToObj(i -> "after-" + i).toList();
    after.forEach(run::start);
    assertThat(run.versions(after).values()).containsOnly(2);
  }

  @Test
  void shouldPromoteOnAnOperatorsRequestAndStopJudgingTheCandidate() {
    // Given a rollout at 50% with a running candidate saga whose invariant will break
    Run run = new Run();
    run.startRollout(start("r-8", 5_000, "CONTINUE"));
    String candidate = run.firstSagaOn(2, "c-");
    SagaDriver.Command reserve = run.commandFor(candidate);

    // When an operator promotes it
    run.request(action("PROMOTE", "pr-8"));

    // Then the rollout ends promoted, naming the operator, and every new saga gets v2
    RolloutEvent promoted = run.rolloutEvents().get(0);
    assertThat(promoted.getEventType()).isEqualTo("ROLLOUT_PROMOTED");
    assertThat(promoted.getGuard()).isEqualTo("OPERATOR");
    assertThat(promoted.getRequestId()).isEqualTo("pr-8");
    assertThat(run.controlState().getPhase()).isEqualTo("PROMOTED");
    assertThat(run.controlState().getEndReason())
        .isEqualTo("promoted by ops@example.org (test); new sagas get v2");
    List<String> after = IntStream.range(0, 20).mapToObj(i -> "after-" + i).toList();
    after.forEach(run::start);
    assertThat(run.versions(after).values()).containsOnly(2);

    // When the candidate breaks its invariant afterwards, and time passes
    run.saga.succeed(reserve, new InventoryReserved("res"));
    run.saga.tick(Duration.ofMinutes(5));

    // Then the ended rollout is neither rolled back nor published again
    assertThat(run.rolloutEvents()).isEmpty();
    assertThat(run.controlState().getPhase()).isEqualTo("PROMOTED");
  }

  @Test
  void shouldRejectPromotionWithoutARolloutAndIgnoreSagasOfATypeWithoutOne() {
    // Given sagas running before any rollout, one breaking its invariant
    Run run = new Run(SagaRegistry.of(definition(1, true)));
    run.start("plain-1");
    run.saga.succeed(run.commandFor("plain-1"), new InventoryReserved("res"));

    // When an operator asks to promote
    run.request(action("PROMOTE", "pr-9"));

    // Then the request is rejected with its reason, and no rollout exists
    List<RolloutEvent> events = run.rolloutEvents();
    assertThat(events).extracting(RolloutEvent::getEventType).containsExactly("ROLLOUT_REJECTED");
    assertThat(events.get(0).getReason())
        .isEqualTo(
            "PROMOTE needs an ACTIVE rollout of 'canary-order', and there is none; see the"
                + " rollout's status");
    assertThat(run.controlState()).isNull();
    run.saga.tick(Duration.ofMinutes(1));
    assertThat(run.rollouts()).isEmpty();
  }

  @Test
  void shouldPublishTheFiguresOfAnActiveRolloutAsSagasEnd() {
    // Given a rollout whose candidate keeps its invariants
    Run run = new Run(SagaRegistry.of(definition(1, false), definition(2, false)));
    run.startRollout(start("r-10", 5_000, "CONTINUE"));
    run.rollouts();
    String candidate = run.firstSagaOn(2, "c-");
    String stable = run.firstSagaOn(1, "s-");

    // When the candidate completes and the stable saga's step fails
    run.saga.succeed(run.commandFor(candidate), new InventoryReserved("res"));
    run.saga.failBusiness(run.commandFor(stable), "OUT_OF_STOCK");
    run.saga.tick(Duration.ofSeconds(10));

    // Then the published rollout counts each saga in its own version
    Rollout rollout = run.onlyRollout();
    assertThat(rollout.getPhase()).isEqualTo("ACTIVE");
    assertThat(rollout.getCandidate().getCompleted()).isEqualTo(1L);
    assertThat(rollout.getCandidate().getFailed()).isZero();
    assertThat(rollout.getStable().getFailed()).isEqualTo(1L);
    assertThat(rollout.getCandidate().getSteps()).isEqualTo(1L);
  }

  @Test
  void shouldJudgeOnlyTheTwoVersionsOfTheRollout() {
    // Given a rollout of v2 against v1, and a saga pinned to v3, which breaks its invariant
    Run run =
        new Run(SagaRegistry.of(definition(1, false), definition(2, false), definition(3, true)));
    run.startRollout(
        RolloutRequest.newBuilder(start("r-11", 5_000, "CONTINUE"))
            .setCandidateVersion(2)
            .setStableVersion(1)
            .build());
    run.saga.start(
        "pinned-3", TYPE, Optional.of(3), SagaDriver.order("pinned-3"), Optional.empty());

    // When its step succeeds and the invariant breaks
    run.saga.succeed(run.commandFor("pinned-3"), new InventoryReserved("res"));

    // Then neither version's figures count the violation and the rollout stays ACTIVE
    assertThat(run.rolloutEvents()).isEmpty();
    Rollout rollout = run.controlState();
    assertThat(rollout.getPhase()).isEqualTo("ACTIVE");
    assertThat(rollout.getCandidate().getInvariantViolations()).isZero();
    assertThat(rollout.getStable().getInvariantViolations()).isZero();
  }

  @Test
  void shouldPlaceNoSagaByARolloutRecordThatIsDeletedOrInAPhaseItDoesNotKnow() {
    // Given a rollout sending nearly every new saga to the stable v1
    Run run = new Run();
    run.startRollout(start("r-12", 1, "CONTINUE"));
    Rollout active = run.onlyRollout();
    TestInputTopic<String, SpecificRecord> published =
        run.saga.driver.createInputTopic(
            RolloutTopics.ROLLOUTS,
            new StringSerializer(),
            new AvroSerializer<>(
                run.saga.schemas, AvroSerdeConfig.topicName().withAutoRegister(true)));

    // When its record says a phase a newer release introduced
    published.pipeInput(TYPE, Rollout.newBuilder(active).setPhase("PAUSED").build());
    run.start("unknown-phase");

    // Then the saga is not placed: it gets the latest version, like any start without a rollout
    SagaStateRecord unplaced = run.saga.state("unknown-phase").orElseThrow();
    assertThat(unplaced.getDefinitionVersion()).isEqualTo(2);
    assertThat(unplaced.getRolloutId()).isNull();

    // When the record is deleted after being active again
    published.pipeInput(TYPE, active);
    run.start("placed");
    published.pipeInput(TYPE, (SpecificRecord) null);
    run.start("deleted");

    // Then only the saga started while it was there is placed
    assertThat(run.saga.state("placed").orElseThrow().getRolloutId()).isEqualTo("r-12");
    assertThat(run.saga.state("deleted").orElseThrow().getRolloutId()).isNull();
    assertThat(run.saga.state("deleted").orElseThrow().getDefinitionVersion()).isEqualTo(2);
  }

  @Test
  void shouldHandTheControllerOnlyTheEventsOfPlacedSagasWhileARolloutIsActive() {
    // Given no rollout, and a saga that runs its step
    Run run = new Run();
    run.start("before");
    run.saga.succeed(run.commandFor("before"), new InventoryReserved("res"));

    // Then nothing is written for the controller
    assertThat(run.observed.readRecordsToList()).isEmpty();

    // Given an ACTIVE rollout, a saga it placed and a saga pinned to v1, which it did not place
    run.startRollout(start("r-13", 5_000, "CONTINUE"));
    run.start("placed");
    run.saga.start("pinned", TYPE, Optional.of(1), SagaDriver.order("pinned"), Optional.empty());
    run.saga.succeed(run.commandFor("placed"), new InventoryReserved("res"));
    run.saga.succeed(run.commandFor("pinned"), new InventoryReserved("res"));

    // Then the placed saga's events reach the controller, keyed by type, and no other saga's
    List<TestRecord<String, byte[]>> seen = run.observed.readRecordsToList();
    assertThat(seen).extracting(TestRecord::key).containsOnly(TYPE);
    assertThat(seen)
        .extracting(r -> ((SagaEvent) run.decoder.deserialize(SagaTopics.EVENTS, r.value())))
        .extracting(SagaEvent::getSagaId, SagaEvent::getEventType)
        .containsExactly(
            tuple("placed", SagaEventType.SAGA_STARTED),
            tuple("placed", SagaEventType.STEP_SUCCEEDED));

    // And they are written under saga.events' subject: the observations topic has none of its own
    assertThat(run.saga.schemas.subjects()).doesNotContain(RolloutTopics.OBSERVATIONS + "-value");

    // When the rollout ends, the sagas it placed are no longer observed either
    run.request(action("ROLLBACK", "r-14"));
    assertThat(run.rolloutEvents())
        .extracting(RolloutEvent::getEventType)
        .containsExactly("ROLLOUT_ROLLED_BACK");
    run.start("after");
    run.saga.succeed(run.commandFor("after"), new InventoryReserved("res"));
    assertThat(run.observed.readRecordsToList()).isEmpty();
    assertThat(run.saga.state("after").orElseThrow().getRolloutRole()).isEqualTo("STABLE");
  }

  @Test
  void shouldCountTheInvariantViolationOfASagaPinnedToTheCandidate() {
    // Given a rollout of a candidate whose invariant breaks, and a saga that names that version
    Run run = new Run(SagaRegistry.of(definition(1, false), definition(2, true)));
    run.startRollout(start("r-15", 1, "CONTINUE"));
    run.saga.start(
        "pinned-2", TYPE, Optional.of(2), SagaDriver.order("pinned-2"), Optional.empty());

    // When its step succeeds and the invariant breaks
    run.saga.succeed(run.commandFor("pinned-2"), new InventoryReserved("res"));

    // Then the rollout is rolled back: not placed, the saga still runs the broken candidate
    assertThat(run.saga.state("pinned-2").orElseThrow().getRolloutId()).isNull();
    assertThat(run.rolloutEvents())
        .extracting(RolloutEvent::getGuard)
        .containsExactly("INVARIANT_VIOLATIONS");
  }

  private static RolloutRequest start(String requestId, int weight, String onRollback) {
    return RolloutRequest.newBuilder()
        .setRequestId(requestId)
        .setSagaType(TYPE)
        .setAction("START")
        .setRequestedBy("ops@example.org")
        .setRequestedAt(SagaDriver.T0)
        .setWeight(weight)
        .setOnRollback(onRollback)
        .build();
  }

  private static RolloutRequest action(String action, String requestId) {
    return RolloutRequest.newBuilder()
        .setRequestId(requestId)
        .setSagaType(TYPE)
        .setAction(action)
        .setRequestedBy("ops@example.org")
        .setReason("test")
        .setRequestedAt(SagaDriver.T0)
        .build();
  }

  /** One step on the inventory topic; {@code broken} adds an invariant no finished step meets. */
  static SagaDefinition<OrderFulfilmentData> definition(int version, boolean broken) {
    SagaDefinition.Builder<OrderFulfilmentData> builder =
        SagaDefinition.builder(TYPE, version, OrderFulfilmentData.class)
            .step(
                "reserve",
                OrderFulfilmentSaga.INVENTORY,
                StepKind.COMPENSATABLE,
                s ->
                    s.action(d -> new ReserveInventory(d.getOrderId(), d.getLines()))
                        .compensation(d -> new ReleaseInventory(d.getOrderId(), "r"))
                        .timeout(Duration.ofSeconds(30))
                        .retry(RetryPolicy.none()));
    if (broken) {
      builder.invariant(
          "reservation-recorded", state -> state.steps().get(0).status() != StepStatus.SUCCEEDED);
    }
    return builder.build();
  }

  /** A processor with both versions, and the rollout topics at hand. */
  private final class Run {
    final SagaDriver saga;
    private final TestInputTopic<String, SpecificRecord> requests;
    private final TestInputTopic<String, byte[]> observations;
    private final TestOutputTopic<String, byte[]> rolloutEvents;
    private final TestOutputTopic<String, byte[]> rollouts;
    private final TestOutputTopic<String, byte[]> observed;
    private final List<TestRecord<String, byte[]>> seenObservations = new ArrayList<>();
    private final AvroDeserializer<SpecificRecord> decoder;
    private final Map<String, SagaDriver.Command> commands = new LinkedHashMap<>();

    Run() {
      this(VERSIONS);
    }

    Run(SagaRegistry registry) {
      saga = new SagaDriver(registry);
      drivers.add(saga);
      requests =
          saga.driver.createInputTopic(
              RolloutTopics.REQUESTS,
              new StringSerializer(),
              new AvroSerializer<>(
                  saga.schemas, AvroSerdeConfig.topicName().withAutoRegister(true)));
      observations =
          saga.driver.createInputTopic(
              RolloutTopics.OBSERVATIONS, new StringSerializer(), new ByteArraySerializer());
      rolloutEvents =
          saga.driver.createOutputTopic(
              RolloutTopics.EVENTS, new StringDeserializer(), new ByteArrayDeserializer());
      rollouts =
          saga.driver.createOutputTopic(
              RolloutTopics.ROLLOUTS, new StringDeserializer(), new ByteArrayDeserializer());
      observed =
          saga.driver.createOutputTopic(
              RolloutTopics.OBSERVATIONS, new StringDeserializer(), new ByteArrayDeserializer());
      decoder = AvroDeserializer.anySpecific(saga.schemas);
    }

    /** Starts a rollout and reads its ROLLOUT_STARTED. */
    void startRollout(RolloutRequest request) {
      request(request);
      assertThat(rolloutEvents())
          .extracting(RolloutEvent::getEventType)
          .containsExactly("ROLLOUT_STARTED");
    }

    void request(RolloutRequest request) {
      requests.pipeInput(request.getSagaType(), request, saga.now());
    }

    void start(String sagaId) {
      saga.start(sagaId, TYPE, Optional.empty(), SagaDriver.order(sagaId), Optional.empty());
      saga.commands(OrderFulfilmentSaga.INVENTORY).forEach(c -> commands.put(c.sagaId(), c));
    }

    SagaDriver.Command commandFor(String sagaId) {
      saga.commands(OrderFulfilmentSaga.INVENTORY).forEach(c -> commands.put(c.sagaId(), c));
      return commands.get(sagaId);
    }

    /** Starts sagas named {@code prefix}0, 1, ... until one lands on {@code version}. */
    String firstSagaOn(int version, String prefix) {
      for (int i = 0; ; i++) {
        String id = prefix + i;
        start(id);
        if (saga.state(id).orElseThrow().getDefinitionVersion() == version) {
          return id;
        }
      }
    }

    Map<String, Integer> versions(List<String> ids) {
      Map<String, Integer> versions = new LinkedHashMap<>();
      ids.forEach(id -> versions.put(id, saga.state(id).orElseThrow().getDefinitionVersion()));
      return versions;
    }

    List<RolloutEvent> rolloutEvents() {
      return rolloutEvents.readRecordsToList().stream()
          .map(r -> (RolloutEvent) decoder.deserialize(RolloutTopics.EVENTS, r.value()))
          .toList();
    }

    List<Rollout> rollouts() {
      return rollouts.readRecordsToList().stream()
          .map(r -> (Rollout) decoder.deserialize(RolloutTopics.ROLLOUTS, r.value()))
          .toList();
    }

    Rollout onlyRollout() {
      List<Rollout> all = rollouts();
      assertThat(all).isNotEmpty();
      return all.get(all.size() - 1);
    }

    Rollout controlState() {
      return saga.driver.<String, Rollout>getKeyValueStore(RolloutTopology.CONTROL_STORE).get(TYPE);
    }

    void redeliverObservations() {
      seenObservations.addAll(observed.readRecordsToList());
      seenObservations.forEach(
          r ->
              observations.pipeInput(
                  new TestRecord<>(r.key(), r.value(), r.headers(), saga.now())));
    }
  }
}

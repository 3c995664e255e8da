package io.sagaflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.chaos.EventLedger.CommittedEvent;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.engine.Decision;
import io.sagaflow.engine.DefinitionResolver;
import io.sagaflow.engine.Outcome;
import io.sagaflow.engine.RolloutAssignment;
import io.sagaflow.engine.RolloutAssignment.RolloutRole;
import io.sagaflow.engine.SagaEngine;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.TimerKind;
import io.sagaflow.topology.SagaTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SagaReplayTest {
  private static final DefinitionResolver DEFINITIONS = new DefinitionResolver(LiveRun.REGISTRY);

  @Test
  void shouldReplayASagaWhoseTimerFiredBeforeItsLateReplyToTheStoredState() {
    // Given a saga whose first attempt timed out, was retried and succeeded, while the late reply
    // of attempt 1 came after the timeout, and a duplicate of the last reply
    LiveRun live = new LiveRun("s1").start();
    live.wait(Duration.ofSeconds(11)).fire(TimerKind.STEP_TIMEOUT, "reserve");
    live.answer("reserve", 1, Outcome.Succeeded.empty());
    live.fire(TimerKind.RETRY_DUE, "reserve");
    live.answer("reserve", 2, Outcome.Succeeded.empty());
    live.answer("charge", 1, Outcome.Succeeded.empty());
    live.answer("charge", 1, Outcome.Succeeded.empty());

    // When it is replayed
    SagaReplay.Result result = replay(live, live.events);

    // Then every event is explained, the stale and the duplicate reply changed nothing, and the
    // replayed state is the stored one
    assertThat(result.divergence()).isEmpty();
    assertThat(result.applied()).hasSize(5);
    assertThat(result.applied().stream().filter(a -> a.timer().isPresent())).hasSize(2);
    assertThat(result.passedOver()).isEqualTo(2);
    assertThat(StateComparison.firstDifference(result.state().orElseThrow(), live.stored()))
        .isEmpty();
    assertThat(live.state().status().name()).isEqualTo("COMPLETED");
  }

  @Test
  void shouldNameTheFirstDifferenceWhenTheStoredStepIsNotTheReplay() {
    LiveRun live = new LiveRun("s2").start().answer("reserve", 1, Outcome.Succeeded.empty());
    live.answer("charge", 1, Outcome.Succeeded.empty());
    StoredState stored = live.stored();
    StepStateRecord step = stored.record().getSteps().get(1);
    step.setAttempt(2);

    SagaReplay.Result result = replay(live, live.events);

    assertThat(StateComparison.firstDifference(result.state().orElseThrow(), stored))
        .contains("step charge attempt: changelog 2, replay 1");
  }

  @Test
  void shouldStopAtAnEventNoInputExplains() {
    // Given a saga whose reply was lost on the way: saga.replies holds none, the events a success
    LiveRun live = new LiveRun("s3").start().answer("reserve", 1, Outcome.Succeeded.empty());
    live.replies.clear();

    SagaReplay.Result result = replay(live, live.events);

    assertThat(result.divergence())
        .hasValueSatisfying(
            d ->
                assertThat(d)
                    .startsWith("after 1 replayed decision(s), STEP_SUCCEEDED reserve #1")
                    .contains("is explained by no input (none left)")
                    .contains("pending timers [STEP_TIMEOUT reserve #1 not due until"));
  }

  @Test
  void shouldNotLetATimerExplainAnEventBeforeItWasDue() {
    // Given a timeout committed 1 s before the timer was due
    LiveRun live = new LiveRun("s4").start();
    live.wait(Duration.ofSeconds(11)).fire(TimerKind.STEP_TIMEOUT, "reserve");
    List<CommittedEvent> events = new ArrayList<>(live.events);
    CommittedEvent timeout = events.get(2);
    SagaEvent early =
        SagaEvent.newBuilder(timeout.event())
            .setAt(events.get(0).event().getAt().plus(LiveRun.TIMEOUT).minusSeconds(1))
            .build();
    events.set(2, new CommittedEvent(early, 0, timeout.offset()));

    SagaReplay.Result result = replay(live, events);

    assertThat(result.divergence())
        .hasValueSatisfying(d -> assertThat(d).contains("not due until"));
  }

  @Test
  void shouldSayWhenAnInputLeftOverWouldStillChangeTheSaga() {
    LiveRun live = new LiveRun("s5").start();
    live.reply("reserve", 1, Outcome.Succeeded.empty());

    SagaReplay.Result result = replay(live, live.events);

    assertThat(result.divergence())
        .hasValueSatisfying(
            d ->
                assertThat(d)
                    .contains("reply reserve #1 Succeeded saga.replies-0@0 writes [STEP_SUCCEEDED")
                    .endsWith(
                        "would still change the saga, but saga.events holds nothing more of it"));
  }

  @Test
  void shouldReplayAStartARolloutPlacedOnTheStableVersionOnThatVersion() {
    // Given v1 and v2 of a type, and a start without a version that a rollout placed on v1, decided
    // by the processor with the placed definition
    RolloutAssignment placement =
        new RolloutAssignment("rollout-1", 1, 5_000, 7_342, RolloutRole.STABLE, 1);
    SagaInput.Start<String> start =
        new SagaInput.Start<>(
            "s6",
            LiveRun.TYPE,
            Optional.empty(),
            "order-1",
            Optional.empty(),
            Optional.of(placement));
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    Decision<String> live = SagaEngine.decide(LiveRun.DEFINITION, Optional.empty(), start, at);
    List<CommittedEvent> events = new ArrayList<>();
    live.events().forEach(e -> events.add(LiveRun.committed(e, events.size())));

    // When it is replayed with both versions registered, the newest being v2
    SagaReplay.Result result =
        SagaReplay.replay(
            new DefinitionResolver(LiveRun.REGISTRY.with(LiveRun.definition(2))),
            List.of(new InputRecord(SagaTopics.REQUESTS, 0, 0, at, start)),
            List.of(),
            events);

    // Then the replay explains its events on v1, with the placement recorded as the live run did
    assertThat(result.divergence()).isEmpty();
    assertThat(result.state().orElseThrow().definitionVersion()).isEqualTo(1);
    assertThat(result.state().orElseThrow().rollout()).contains(placement);
    assertThat(result.state()).isEqualTo(live.nextState());
  }

  private static SagaReplay.Result replay(LiveRun live, List<CommittedEvent> events) {
    return SagaReplay.replay(DEFINITIONS, live.requests, live.replies, events);
  }
}

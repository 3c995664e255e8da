package io.sagaflow.topology;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.contract.TimerRecord;
import io.sagaflow.contract.TransitionRecord;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.DefinitionResolver;
import io.sagaflow.engine.RolloutAssignment;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaState;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.engine.StepError;
import io.sagaflow.engine.StepState;
import io.sagaflow.engine.StepStatus;
import io.sagaflow.engine.Timer;
import io.sagaflow.engine.TimerKind;
import io.sagaflow.engine.Transition;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Maps the engine's {@link SagaState} onto the stored {@link SagaStateRecord} contract and back.
 * The record is what the changelog carries, so its schema evolves only compatibly; this class is
 * the one place that knows both shapes.
 */
final class StateCodec {
  /** The shape version written now; see the {@code stateVersion} field's doc. */
  static final int STATE_VERSION = 2;

  private final DataCodec data;

  StateCodec(DataCodec data) {
    this.data = data;
  }

  SagaStateRecord toRecord(SagaState<?> state) {
    // The all-fields constructors rather than the builders: every field is set here, and the
    // builders' per-field validation and default copies cost more than the encoding on every input.
    Optional<RolloutAssignment> rollout = state.rollout();
    List<StepStateRecord> steps = new ArrayList<>(state.steps().size());
    for (StepState step : state.steps()) {
      steps.add(toRecord(step));
    }
    List<TimerRecord> timers = new ArrayList<>(state.pendingTimers().size());
    for (Timer timer : state.pendingTimers()) {
      timers.add(toRecord(timer));
    }
    List<TransitionRecord> history = new ArrayList<>(state.history().size());
    for (Transition transition : state.history()) {
      history.add(toRecord(transition));
    }
    return new SagaStateRecord(
        STATE_VERSION,
        state.sagaId(),
        state.type(),
        state.definitionVersion(),
        state.status().name(),
        ByteBuffer.wrap(data.encode(state.data())),
        steps,
        timers,
        history,
        state.traceparent().orElse(null),
        state.lastError().orElse(null),
        state.createdAt(),
        state.updatedAt(),
        rollout.map(RolloutAssignment::rolloutId).orElse(null),
        rollout.map(RolloutAssignment::generation).orElse(null),
        rollout.map(RolloutAssignment::weightBasisPoints).orElse(null),
        rollout.map(RolloutAssignment::bucket).orElse(null),
        rollout.map(r -> r.role().name()).orElse(null));
  }

  /** The rollout placement {@code record} holds; a state of shape 1 never holds one. */
  static Optional<RolloutAssignment> rollout(SagaStateRecord record) {
    if (record.getRolloutId() == null) {
      return Optional.empty();
    }
    return Optional.of(
        new RolloutAssignment(
            record.getRolloutId(),
            record.getRolloutGeneration(),
            record.getRolloutWeight(),
            record.getRolloutBucket(),
            RolloutAssignment.RolloutRole.valueOf(record.getRolloutRole()),
            record.getDefinitionVersion()));
  }

  /** The type and version {@code record} names, to look its definition up before decoding it. */
  static DefinitionResolver.Recorded recorded(SagaStateRecord record) {
    return new DefinitionResolver.Recorded(
        record.getSagaId(), record.getSagaType(), record.getDefinitionVersion());
  }

  <D> SagaState<D> fromRecord(SagaStateRecord record, SagaDefinition<D> definition) {
    D sagaData = data.decode(DataCodec.toArray(record.getData()), definition.dataType());
    // Loops rather than streams: this runs on every saga input, and the streams' pipelines cost
    // more than the few elements they map.
    List<StepState> steps = new ArrayList<>(record.getSteps().size());
    for (StepStateRecord step : record.getSteps()) {
      steps.add(fromRecord(step));
    }
    List<Timer> timers = new ArrayList<>(record.getTimers().size());
    for (TimerRecord timer : record.getTimers()) {
      timers.add(timerOf(record.getSagaId(), timer));
    }
    List<Transition> history = new ArrayList<>(record.getHistory().size());
    for (TransitionRecord transition : record.getHistory()) {
      history.add(fromRecord(transition));
    }
    return new SagaState<>(
        record.getSagaId(),
        record.getSagaType(),
        record.getDefinitionVersion(),
        SagaStatus.valueOf(record.getStatus()),
        sagaData,
        steps,
        timers,
        history,
        Optional.ofNullable(record.getTraceparent()),
        Optional.ofNullable(record.getLastError()),
        record.getCreatedAt(),
        record.getUpdatedAt(),
        rollout(record));
  }

  private static StepStateRecord toRecord(StepState step) {
    Optional<StepError> error = step.lastError();
    return new StepStateRecord(
        step.name(),
        step.status().name(),
        step.attempt(),
        step.commandId().map(UUID::toString).orElse(null),
        step.compensationAttempt(),
        error.map(StepError::code).orElse(null),
        error.map(StepError::message).orElse(null),
        step.startedAt().orElse(null),
        step.finishedAt().orElse(null),
        error.map(e -> e.kind().name()).orElse(null),
        error.map(StepError::attempt).orElse(null),
        error.map(StepError::at).orElse(null),
        step.mayHaveApplied());
  }

  private static StepState fromRecord(StepStateRecord r) {
    Optional<StepError> error =
        Optional.ofNullable(r.getLastErrorCode())
            .map(
                code ->
                    new StepError(
                        code,
                        Optional.ofNullable(r.getLastErrorMessage()).orElse(""),
                        r.getLastErrorKind() == null
                            ? CommandKind.ACTION
                            : CommandKind.valueOf(r.getLastErrorKind()),
                        Optional.ofNullable(r.getLastErrorAttempt()).orElse(r.getAttempt()),
                        Optional.ofNullable(r.getLastErrorAt()).orElse(Instant.EPOCH)));
    return new StepState(
        r.getName(),
        StepStatus.valueOf(r.getStatus()),
        r.getAttempt(),
        Optional.ofNullable(r.getCommandId()).map(UUID::fromString),
        error,
        Optional.ofNullable(r.getStartedAt()),
        Optional.ofNullable(r.getFinishedAt()),
        r.getCompensationAttempt(),
        r.getMayHaveApplied());
  }

  private static TimerRecord toRecord(Timer timer) {
    return new TimerRecord(
        timer.timerId().toString(),
        timer.kind().name(),
        timer.step().orElse(null),
        timer.attempt(),
        timer.dueAt());
  }

  /** The engine's timer that {@code r}, stored in saga {@code sagaId}'s state, stands for. */
  static Timer timerOf(String sagaId, TimerRecord r) {
    return new Timer(
        sagaId,
        UUID.fromString(r.getTimerId()),
        TimerKind.valueOf(r.getKind()),
        Optional.ofNullable(r.getStep()),
        r.getAttempt(),
        r.getDueAt());
  }

  private static TransitionRecord toRecord(Transition t) {
    return new TransitionRecord(
        t.at(), t.from().map(Enum::name).orElse(""), t.to().name(), t.cause());
  }

  private static Transition fromRecord(TransitionRecord r) {
    Optional<SagaStatus> from =
        r.getFrom().isEmpty() ? Optional.empty() : Optional.of(SagaStatus.valueOf(r.getFrom()));
    return new Transition(r.getAt(), from, SagaStatus.valueOf(r.getTo()), r.getCause());
  }
}

package io.sagaflow.engine.bench;

import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.Decision;
import io.sagaflow.engine.Fixtures;
import io.sagaflow.engine.Fixtures.Order;
import io.sagaflow.engine.Fixtures.Reserved;
import io.sagaflow.engine.Ids;
import io.sagaflow.engine.Outcome;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaEngine;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.SagaState;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one {@code decide()} on the five-step order saga (2 compensatable, pivot, 2 retriable).
 * Run with {@code scripts/bench-engine}; not part of the test run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecideBenchmark {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  private SagaDefinition<Order> definition;
  private SagaInput.Start<Order> start;
  private SagaState<Order> afterStart;
  private SagaInput.StepReply firstSuccess;
  private SagaState<Order> atPivot;
  private SagaInput.StepReply pivotDeclined;
  private SagaInput.StepReply duplicate;

  @Setup
  public void setUp() {
    definition = Fixtures.fiveSteps();
    start =
        new SagaInput.Start<>(
            "s-1", definition.type(), Optional.empty(), Fixtures.order(), Optional.of("00-abc-01"));
    afterStart =
        SagaEngine.decide(definition, Optional.empty(), start, T0).nextState().orElseThrow();
    firstSuccess =
        success("reserve-stock", new Outcome.Succeeded(Optional.of(new Reserved("r-1"))));
    SagaState<Order> reserved = apply(afterStart, firstSuccess);
    atPivot = apply(reserved, success("charge-card", Outcome.Succeeded.empty()));
    pivotDeclined = success("create-shipment", new Outcome.BusinessFailure("NO_CARRIER", "none"));
    duplicate = firstSuccess;
  }

  private SagaState<Order> apply(SagaState<Order> state, SagaInput input) {
    return SagaEngine.decide(definition, Optional.of(state), input, T0).nextState().orElseThrow();
  }

  private static SagaInput.StepReply success(String step, Outcome outcome) {
    return new SagaInput.StepReply(
        step, 1, Ids.commandId("s-1", step, 1, CommandKind.ACTION), outcome);
  }

  /** A start: builds the state and sends the first command. */
  @Benchmark
  public Decision<Order> start() {
    return SagaEngine.decide(definition, Optional.empty(), start, T0);
  }

  /** The common case: a success reply mapped onto the data, next step sent. */
  @Benchmark
  public Decision<Order> replySuccess() {
    return SagaEngine.decide(definition, Optional.of(afterStart), firstSuccess, T0);
  }

  /** A pivot failure that starts compensation of two steps. */
  @Benchmark
  public Decision<Order> pivotFailureStartsCompensation() {
    return SagaEngine.decide(definition, Optional.of(atPivot), pivotDeclined, T0);
  }

  /** A redelivered reply, recognised and dropped. */
  @Benchmark
  public Decision<Order> duplicateReply() {
    return SagaEngine.decide(definition, Optional.of(atPivot), duplicate, T0);
  }
}

package io.sagaflow.replay;

import io.sagaflow.contract.StartSaga;
import io.sagaflow.engine.DefinitionResolver;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.topology.SagaClassLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Makes fixtures from inputs: the expected outputs are whatever a replay of those inputs produces
 * today, so a scripted scenario or a production incident becomes a regression test that fails the
 * day the processor answers the same inputs differently.
 */
public final class FixtureRecorder {
  private final SagaRegistry sagas;
  private final Replayer replayer;

  /** A recorder replaying through the sagas in {@code sagas}. */
  public FixtureRecorder(SagaRegistry sagas) {
    this.sagas = sagas;
    this.replayer = new Replayer(sagas);
  }

  /**
   * A fixture of the given input steps (their outputs are ignored and replaced). The saga type and
   * version come from the first start request, when there is one.
   *
   * @param header name, description, seed, wall-clock start and interval; its steps are ignored
   */
  public Fixture record(Fixture header, List<FixtureStep> steps) {
    Fixture inputs = header.withSteps(steps.stream().map(s -> s.withOutputs(List.of())).toList());
    Optional<SagaDefinition<?>> definition = startedDefinition(inputs);
    Fixture typed =
        new Fixture(
            inputs.name(),
            inputs.description(),
            inputs.seed(),
            definition.map(SagaDefinition::type),
            definition.map(SagaDefinition::version),
            inputs.wallClockStart(),
            inputs.punctuationInterval(),
            inputs.steps());
    return replayer.replay(typed).actualFixture();
  }

  /**
   * Steps for inputs read from a cluster: ordered by timestamp (ties keep their order), the wall
   * clock moved to each input's timestamp before it is piped, then {@code settle} more so timers
   * due after the last input fire.
   */
  public static List<FixtureStep> stepsByTimestamp(List<FixtureRecord> inputs, Duration settle) {
    List<FixtureRecord> ordered =
        inputs.stream().sorted(Comparator.comparing(FixtureRecord::timestamp)).toList();
    List<FixtureStep> steps = new ArrayList<>();
    Instant clock = ordered.isEmpty() ? Instant.EPOCH : ordered.get(0).timestamp();
    for (FixtureRecord input : ordered) {
      Duration advance = Duration.between(clock, input.timestamp());
      steps.add(FixtureStep.input(advance, input));
      clock = input.timestamp();
    }
    if (!settle.isZero()) {
      steps.add(FixtureStep.tick(settle));
    }
    return steps;
  }

  private Optional<SagaDefinition<?>> startedDefinition(Fixture fixture) {
    PayloadCodec codec = new PayloadCodec(new InMemorySchemaRegistry(), SagaClassLoader.of(sagas));
    for (int i = 0; i < fixture.steps().size(); i++) {
      Optional<FixtureRecord> input = fixture.steps().get(i).input();
      if (input.isPresent()
          && input.get().value() instanceof Payload.Avro avro
          && avro.type().equals(StartSaga.class.getName())) {
        StartSaga start = (StartSaga) codec.record(avro, "/steps/" + i + "/input/value");
        return new DefinitionResolver(sagas)
            .forStart(
                Optional.empty(),
                start.getSagaType(),
                Optional.ofNullable(start.getDefinitionVersion()))
            .found();
      }
    }
    return Optional.empty();
  }
}

package io.sagaflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * An immutable, validated description of one version of a saga type: its steps in stages (a stage
 * is one step or a parallel group that joins), an optional deadline and named invariants.
 *
 * <p>Instances come only from {@link #builder}; a built definition always satisfies the rules
 * checked by {@link DefinitionValidator}, so the engine never meets a nonsensical definition.
 *
 * @param <D> the typed data record the saga carries
 */
public final class SagaDefinition<D> {
  private final String type;
  private final int version;
  private final Class<D> dataType;
  private final List<List<StepDefinition<D>>> stages;
  private final List<StepDefinition<D>> steps;
  private final int[] stageOfStep;
  private final int[] stageStart;
  private final Map<String, Integer> indexByName;
  private final Optional<Duration> deadline;
  private final List<Invariant<D>> invariants;

  private SagaDefinition(Builder<D> builder) {
    this.type = builder.type;
    this.version = builder.version;
    this.dataType = builder.dataType;
    this.stages = builder.stages.stream().map(List::copyOf).toList();
    this.steps = stages.stream().flatMap(List::stream).toList();
    this.stageOfStep = new int[steps.size()];
    this.stageStart = new int[stages.size() + 1];
    Map<String, Integer> names = new HashMap<>();
    int index = 0;
    for (int stage = 0; stage < stages.size(); stage++) {
      stageStart[stage] = index;
      for (StepDefinition<D> step : stages.get(stage)) {
        stageOfStep[index] = stage;
        names.put(step.name(), index++);
      }
    }
    stageStart[stages.size()] = index;
    this.indexByName = Map.copyOf(names);
    this.deadline = builder.deadline;
    this.invariants = List.copyOf(builder.invariants);
  }

  /** Starts a definition of saga type {@code type}, version {@code version}, carrying {@code D}. */
  public static <D> Builder<D> builder(String type, int version, Class<D> dataType) {
    return new Builder<>(type, version, dataType);
  }

  /**
   * The saga type: the same word ({@code sagaType}) in the Avro records, topics, metrics, the HTTP
   * API and the docs.
   */
  public String type() {
    return type;
  }

  /** The version of this definition; a saga keeps the version it started with. */
  public int version() {
    return version;
  }

  /** The class of the saga data, checked when a saga starts. */
  public Class<D> dataType() {
    return dataType;
  }

  /** Stages in order; each holds one step or the steps of a parallel group. */
  public List<List<StepDefinition<D>>> stages() {
    return stages;
  }

  /** All steps in definition order (stage by stage); state keeps step states in this order. */
  public List<StepDefinition<D>> steps() {
    return steps;
  }

  /** The optional time limit from start; exceeding it before the pivot behaves like a cancel. */
  public Optional<Duration> deadline() {
    return deadline;
  }

  /** Invariants checked after every transition. */
  public List<Invariant<D>> invariants() {
    return invariants;
  }

  /** Index of the named step in {@link #steps()}, if there is such a step. */
  public Optional<Integer> indexOf(String stepName) {
    return Optional.ofNullable(indexByName.get(stepName));
  }

  /** The stage that holds the step at {@code stepIndex}. */
  public int stageOf(int stepIndex) {
    return stageOfStep[stepIndex];
  }

  /** Index in {@link #steps()} of the first step of {@code stage}. */
  int firstStepOf(int stage) {
    return stageStart[stage];
  }

  /** Index in {@link #steps()} just past the last step of {@code stage}. */
  int endOf(int stage) {
    return stageStart[stage + 1];
  }

  @Override
  public String toString() {
    return "SagaDefinition[" + type + " v" + version + ", " + steps.size() + " steps]";
  }

  /** Fluent builder; {@link #build()} validates the whole definition at once. */
  public static final class Builder<D> {
    private final String type;
    private final int version;
    private final Class<D> dataType;
    private final List<List<StepDefinition<D>>> stages = new ArrayList<>();
    private Optional<Duration> deadline = Optional.empty();
    private final List<Invariant<D>> invariants = new ArrayList<>();

    private Builder(String type, int version, Class<D> dataType) {
      this.type = Objects.requireNonNull(type, "saga type");
      this.version = version;
      this.dataType = Objects.requireNonNull(dataType, "dataType of saga " + type);
    }

    /** Appends a step that runs after everything before it has succeeded. */
    public Builder<D> step(
        String stepName,
        String commandTopic,
        StepKind kind,
        UnaryOperator<StepDefinition.Builder<D>> config) {
      return step(config.apply(new StepDefinition.Builder<>(stepName, commandTopic, kind)).build());
    }

    /** Appends a prebuilt step. */
    public Builder<D> step(StepDefinition<D> step) {
      stages.add(List.of(Objects.requireNonNull(step, "step")));
      return this;
    }

    /** Appends a group of at least two steps that are sent at once and join before the next. */
    public Builder<D> parallel(UnaryOperator<ParallelGroup<D>> group) {
      List<StepDefinition<D>> branches = group.apply(new ParallelGroup<>()).steps;
      DefinitionValidator.require(
          branches.size() >= 2,
          "saga '"
              + type
              + "': parallel group "
              + branches.stream().map(StepDefinition::name).toList()
              + " needs at least two steps; use step(...) for a single step");
      stages.add(branches);
      return this;
    }

    /** Limits the saga's reversible part to {@code limit} from its start. */
    public Builder<D> deadline(Duration limit) {
      this.deadline = Optional.of(Objects.requireNonNull(limit, "deadline"));
      return this;
    }

    /** Adds a named invariant checked after every transition. */
    public Builder<D> invariant(String invariantName, Predicate<SagaState<D>> predicate) {
      invariants.add(new Invariant<>(invariantName, predicate));
      return this;
    }

    /**
     * The validated definition.
     *
     * @throws IllegalArgumentException naming the offending step and what to change
     */
    public SagaDefinition<D> build() {
      DefinitionValidator.validate(type, version, stages, deadline, invariants);
      return new SagaDefinition<>(this);
    }
  }

  /** Collects the steps of one parallel group. */
  public static final class ParallelGroup<D> {
    private final List<StepDefinition<D>> steps = new ArrayList<>();

    private ParallelGroup() {}

    /** Adds a branch to the group. */
    public ParallelGroup<D> step(
        String stepName,
        String commandTopic,
        StepKind kind,
        UnaryOperator<StepDefinition.Builder<D>> config) {
      return step(config.apply(new StepDefinition.Builder<>(stepName, commandTopic, kind)).build());
    }

    /** Adds a prebuilt branch to the group. */
    public ParallelGroup<D> step(StepDefinition<D> step) {
      steps.add(Objects.requireNonNull(step, "step"));
      return this;
    }
  }
}

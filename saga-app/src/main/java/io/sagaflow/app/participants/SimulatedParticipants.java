package io.sagaflow.app.participants;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.sagaflow.api.FailureSummary;
import io.sagaflow.api.ParticipantHealth;
import io.sagaflow.app.config.ConfigException;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.participant.Health;
import io.sagaflow.participant.ParticipantStats;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.SagaCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga modules' simulated participants, each a participant of the kit ({@code
 * io.sagaflow.participant}) on its own thread. They stand in for real services in the demo, the
 * integration tests and the benchmark; one named in {@code saga.participants.disabled} is not
 * started, so a real service can take its place. A participant whose loop ends while the instance
 * runs is not restarted: {@link #health()} reports it FAILED, with what it died of, and the
 * instance stops being ready. A command it cannot read goes to the command topic's dead-letter
 * topic, and it serves the next.
 */
public final class SimulatedParticipants implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedParticipants.class);

  private final List<SimulatedParticipant> running;
  private final SagaCounters counters;

  private SimulatedParticipants(List<SimulatedParticipant> running, SagaCounters counters) {
    this.running = List.copyOf(running);
    this.counters = counters;
  }

  /**
   * Starts one participant per enabled behaviour of {@code modules}, consuming with group {@code
   * <application.id>-<name>}.
   *
   * @throws ConfigException when {@code saga.participants.disabled} names an unknown participant
   */
  public static SimulatedParticipants start(
      SagaflowConfig config, SchemaRegistry schemas, SagaModules modules) {
    return start(config, schemas, modules, OpenTelemetry.noop());
  }

  /**
   * As {@link #start(SagaflowConfig, SchemaRegistry, SagaModules)}, each participant making a span
   * per command in {@code tracing}.
   */
  public static SimulatedParticipants start(
      SagaflowConfig config, SchemaRegistry schemas, SagaModules modules, OpenTelemetry tracing) {
    return start(config, schemas, modules, tracing, Optional.empty());
  }

  /**
   * As {@link #start(SagaflowConfig, SchemaRegistry, SagaModules, OpenTelemetry)}, each
   * participant's Kafka clients measured in {@code meters} (the registry {@code /metrics} serves).
   */
  public static SimulatedParticipants start(
      SagaflowConfig config,
      SchemaRegistry schemas,
      SagaModules modules,
      OpenTelemetry tracing,
      Optional<MeterRegistry> meters) {
    List<ParticipantBehaviour> all =
        ParticipantBehaviour.of(modules.participants(), modules.registry(), config.participants());
    java.util.Set<String> known =
        all.stream().map(ParticipantBehaviour::name).collect(java.util.stream.Collectors.toSet());
    for (String name : config.participants().disabled()) {
      if (!known.contains(name)) {
        throw new ConfigException(
            "saga.participants.disabled names '"
                + name
                + "', which no loaded saga module simulates. Known participants: "
                + new java.util.TreeSet<>(known)
                + ".");
      }
    }
    List<ParticipantBehaviour> enabled =
        all.stream().filter(b -> !config.participants().disabled().contains(b.name())).toList();
    SagaCounters counters = new SagaCounters();
    List<SimulatedParticipant> running = new ArrayList<>();
    try {
      for (ParticipantBehaviour behaviour : enabled) {
        running.add(
            SimulatedParticipant.start(
                behaviour,
                config,
                config.applicationId() + "-" + behaviour.name(),
                schemas,
                // Commands of every module's types arrive here: read them through its loader.
                modules.classLoader(),
                counters,
                tracing,
                meters));
      }
    } catch (RuntimeException e) {
      running.forEach(SimulatedParticipant::close);
      throw e;
    }
    LOG.info(
        "Simulated participants running: {} ({})",
        enabled.stream().map(ParticipantBehaviour::name).toList(),
        config.participants());
    return new SimulatedParticipants(running, counters);
  }

  /** Each participant's state now, in start order. */
  public List<ParticipantHealth> health() {
    List<ParticipantHealth> result = new ArrayList<>();
    for (SimulatedParticipant p : running) {
      Health health = p.health();
      result.add(
          switch (health.state()) {
            case RUNNING -> ParticipantHealth.running(p.name());
            case STOPPED -> ParticipantHealth.stopped(p.name());
            case FAILED ->
                ParticipantHealth.failed(
                    p.name(), FailureSummary.of(health.cause().orElseThrow()).oneLine());
          });
    }
    return result;
  }

  /**
   * What the participants did so far: commands per participant and verdict, misbehaviours, and what
   * the kit counted (commands answered from its ledger, records dead-lettered).
   */
  public Map<String, Long> counts() {
    Map<String, Long> counts = new TreeMap<>(counters.snapshot());
    for (SimulatedParticipant p : running) {
      ParticipantStats stats = p.stats();
      counts.put(p.name() + ".answered-from-ledger", stats.answeredFromLedger());
      counts.put(p.name() + ".dead-lettered", stats.deadLettered());
    }
    return counts;
  }

  @Override
  public void close() {
    running.forEach(SimulatedParticipant::close);
  }
}

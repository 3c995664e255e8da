package io.sagaflow.bench;

import io.opentelemetry.api.OpenTelemetry;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.SimulatedParticipants;
import io.sagaflow.serde.SchemaRegistry;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated participants of a saga phase, either on threads of the benchmark's JVM (where the
 * CPU breakdown and JMX see them) or in a JVM of their own ({@link ParticipantsProcess}), so that
 * the processor's own ceiling shows without the participants competing inside its JVM.
 */
interface BenchParticipants extends AutoCloseable {
  /**
   * The participants' CPU time so far, when they run in a process of their own; empty when their
   * threads are part of this JVM's breakdown.
   */
  Optional<Long> ownProcessCpuNanos();

  /** Per-producer sends the JVM's JMX cannot see (those of a participants' process), else none. */
  Map<ProducerTotals.Key, ProducerTotals.Sent> sentElsewhere();

  @Override
  void close();

  static BenchParticipants inProcess(
      SagaflowConfig config, SchemaRegistry schemas, SagaModules modules, OpenTelemetry tracing) {
    SimulatedParticipants participants =
        SimulatedParticipants.start(config, schemas, modules, tracing);
    return new BenchParticipants() {
      @Override
      public Optional<Long> ownProcessCpuNanos() {
        return Optional.empty();
      }

      @Override
      public Map<ProducerTotals.Key, ProducerTotals.Sent> sentElsewhere() {
        return Map.of();
      }

      @Override
      public void close() {
        participants.close();
      }
    };
  }
}

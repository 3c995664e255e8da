package io.sagaflow.module;

import io.sagaflow.engine.SagaDefinition;
import java.util.List;
import java.util.Optional;

/**
 * A saga type packaged for Sagaflow: its definitions (one per version), and optionally the
 * simulated participants and demo data that let it run without the real services.
 *
 * <p>Sagaflow finds modules with {@link java.util.ServiceLoader}: a module jar lists its
 * implementation in {@code META-INF/services/io.sagaflow.module.SagaModule}. The stock runtime
 * loads each jar under {@code --plugin-path} in a class loader of its own, whose parent holds
 * Sagaflow itself, so a module jar carries only its own classes and its generated Avro records;
 * Sagaflow, Kafka and Avro come from the runtime. In library mode the module is on the
 * application's class path and is handed to the builder, or found by the same service lookup.
 *
 * <p>Implementations must have a public no-argument constructor and be cheap to create: the runtime
 * calls {@link #definitions()} once at start-up and refuses to start when one fails validation.
 */
public interface SagaModule {

  /**
   * Every version of every saga type this module contributes. The data, command and result types
   * the definitions name must be Avro generated classes from this module (or the core contract).
   */
  List<SagaDefinition<?>> definitions();

  /**
   * Stand-ins for the services the module's sagas call, run by the stock runtime when simulated
   * participants are enabled. Empty for a module whose participants are real services.
   */
  default List<SimulatedParticipant> simulatedParticipants() {
    return List.of();
  }

  /** Sample data for the seeded demo; empty when this module takes no part in the demo. */
  default Optional<DemoData> demoData() {
    return Optional.empty();
  }

  /** A short name for messages and logs; the implementation's simple class name by default. */
  default String moduleName() {
    return getClass().getSimpleName();
  }
}

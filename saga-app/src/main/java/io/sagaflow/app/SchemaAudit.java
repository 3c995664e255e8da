package io.sagaflow.app;

import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.CompatibilityResult;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryException;
import io.sagaflow.topology.SchemaSubjects;
import java.util.List;
import java.util.OptionalInt;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares what {@link SchemaSubjects} lists with a registry, and registers what is missing: the
 * work of {@code sagaflow schemas check|register} and of the start-up check in production. A schema
 * counts as present exactly when the serializers would find it: its registered form under its
 * subject, or the generated class's schema with its Java properties, which an earlier Sagaflow
 * registered (AvroSerializer looks that up too).
 */
final class SchemaAudit {

  /** Where a schema stands in the registry. */
  enum State {
    /** Registered under its subject: writers find it. */
    PRESENT,
    /** Registered just now by {@link #register}. */
    REGISTERED,
    /** Not under its subject; registering it would succeed. */
    MISSING,
    /** Not under its subject, and the subject's compatibility level refuses it. */
    INCOMPATIBLE
  }

  /**
   * One schema's standing.
   *
   * @param schema what was looked for
   * @param state where it stands
   * @param id its id when present or registered
   * @param detail why it is missing or incompatible, or how it was found; "" when plain
   */
  record Finding(SchemaSubjects.Required schema, State state, OptionalInt id, String detail) {
    boolean ok() {
      return state == State.PRESENT || state == State.REGISTERED;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(SchemaAudit.class);

  private final SchemaRegistry registry;

  SchemaAudit(SchemaRegistry registry) {
    this.registry = registry;
  }

  /**
   * Refuses a start with auto-registration off while a schema the instance writes is not
   * registered: otherwise the processor would start, then fail on its first write of each type, in
   * a stream thread, record after record. Schemas the processor registers itself (its state) are
   * not required.
   *
   * @throws StartupException naming every missing or incompatible subject and the command that
   *     registers them, or saying that the registry cannot be used
   */
  static void requireRegistered(
      SchemaRegistry registry, SagaRegistry sagas, SagaflowConfig config) {
    SchemaSubjects.Listing listing = SchemaSubjects.of(sagas, config.applicationId());
    List<SchemaSubjects.Required> needed =
        listing.schemas().stream()
            .filter(r -> r.writer() != SchemaSubjects.Writer.PROCESSOR_SELF_REGISTERED)
            .toList();
    List<Finding> findings;
    try {
      findings = new SchemaAudit(registry).check(needed);
    } catch (SchemaRegistryException e) {
      throw new StartupException(
          "Cannot check the schemas in the registry at "
              + registry.location()
              + " (saga.schema.auto.register=false, so they must be registered before start): "
              + e.getMessage(),
          e);
    }
    if (!listing.problems().isEmpty()) {
      LOG.warn(
          "The command types of some steps are unknown, so their schemas were not checked:\n  {}",
          String.join("\n  ", listing.problems()));
    }
    List<Finding> wrong = findings.stream().filter(f -> !f.ok()).toList();
    if (wrong.isEmpty()) {
      LOG.info(
          "All {} schemas this instance writes are registered in {}",
          findings.size(),
          registry.location());
      return;
    }
    StringBuilder message =
        new StringBuilder()
            .append(wrong.size() == 1 ? "The schema for " : wrong.size() + " schemas, for ");
    for (int i = 0; i < wrong.size(); i++) {
      Finding f = wrong.get(i);
      message
          .append(i == 0 ? "" : ", ")
          .append("subject '")
          .append(f.schema().subject())
          .append("' (")
          .append(f.schema().recordName())
          .append(f.state() == State.INCOMPATIBLE ? ", incompatible: " + f.detail() : "")
          .append(')');
    }
    message
        .append(wrong.size() == 1 ? ", is" : ", are")
        .append(" not registered in ")
        .append(registry.location())
        .append(", and saga.schema.auto.register is false. Run `")
        .append(SchemaReport.registerCommand(registry.location(), config))
        .append("`, then start again (docs/operations.md#schemas).");
    throw new StartupException(message.toString(), null);
  }

  /**
   * Where each schema stands.
   *
   * @throws SchemaRegistryException when the registry cannot be reached or refuses the client (an
   *     outage, credentials): no finding could be trusted
   */
  List<Finding> check(List<SchemaSubjects.Required> schemas) {
    return schemas.stream().map(this::check).toList();
  }

  /** Registers every missing schema; present and incompatible ones are left as they are. */
  List<Finding> register(List<SchemaSubjects.Required> schemas) {
    return schemas.stream().map(this::register).toList();
  }

  Finding check(SchemaSubjects.Required required) {
    String subject = required.subject();
    try {
      return present(required, registry.idOf(subject, required.schema()), "");
    } catch (SchemaRegistryException e) {
      if (!e.isNotRegistered()) {
        throw e;
      }
      if (e.isSchemaNotFound()) {
        return notUnderItsSubject(required);
      }
      return new Finding(
          required, State.MISSING, OptionalInt.empty(), "no such subject; register creates it");
    }
  }

  private Finding notUnderItsSubject(SchemaSubjects.Required required) {
    Schema generated = generatedSchema(required);
    if (!generated.equals(required.schema())) {
      try {
        return present(
            required,
            registry.idOf(required.subject(), generated),
            "as registered by an earlier Sagaflow, with Java properties");
      } catch (SchemaRegistryException e) {
        if (!e.isNotRegistered()) {
          throw e;
        }
      }
    }
    CompatibilityResult compatibility =
        registry.testCompatibility(required.subject(), required.schema());
    if (compatibility.compatible()) {
      return new Finding(
          required,
          State.MISSING,
          OptionalInt.empty(),
          "the subject holds other versions; register adds this one");
    }
    return new Finding(
        required,
        State.INCOMPATIBLE,
        OptionalInt.empty(),
        compatibility.messages().isEmpty()
            ? "the subject's compatibility level refuses it"
            : String.join("; ", compatibility.messages()));
  }

  private Finding register(SchemaSubjects.Required required) {
    Finding found = check(required);
    if (found.state() != State.MISSING) {
      return found;
    }
    try {
      int id = registry.register(required.subject(), required.schema());
      return new Finding(required, State.REGISTERED, OptionalInt.of(id), "");
    } catch (SchemaRegistryException e) {
      if (e.errorCode().orElse(0) != SchemaRegistryException.INCOMPATIBLE_SCHEMA) {
        throw e;
      }
      // Another version arrived between the check and the registration.
      return new Finding(required, State.INCOMPATIBLE, OptionalInt.empty(), e.getMessage());
    }
  }

  private static Finding present(SchemaSubjects.Required required, int id, String detail) {
    return new Finding(required, State.PRESENT, OptionalInt.of(id), detail);
  }

  private static Schema generatedSchema(SchemaSubjects.Required required) {
    return SpecificData.get().getSchema(required.type());
  }
}

package io.sagaflow.topology;

import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.ReplyMapping;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.StepDefinition;
import io.sagaflow.serde.RegistrySchemas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every schema Sagaflow's writers look up in the registry for a set of sagas, under the subject
 * they look it up under: what an operator must register before running with auto-registration off,
 * and what {@code sagaflow schemas register} registers. Subjects come from the same {@link
 * SagaTopic}s the serializers are built from, so the two cannot disagree; schemas are the
 * registered form ({@link RegistrySchemas#normalised}).
 *
 * <p>Command types are not declared by a definition, only built by its action and compensation
 * factories; they are found by calling each factory on a sample of the saga data (every field its
 * default, or empty, zero, null). A factory that fails on such a sample, or builds no generated
 * record, is reported as a {@link Listing#problems() problem} naming the step.
 */
public final class SchemaSubjects {

  /** Who writes records under a subject, for the operator reading a listing. */
  public enum Writer {
    /** The saga processor; it refuses to start in production until the schema is registered. */
    PROCESSOR,
    /** The saga processor, which registers the schema itself even with auto-registration off. */
    PROCESSOR_SELF_REGISTERED,
    /** The HTTP API (start, cancel, operator routes), the demo and participants' clients. */
    CLIENTS,
    /** Participants (the simulated ones, and the HTTP callbacks route) answering commands. */
    PARTICIPANTS
  }

  /**
   * One schema to register.
   *
   * @param subject the subject the writer looks the schema up under
   * @param schema the schema, in its registered form
   * @param topic the topic records of this schema are written to ({@code sagaflow.nested} for
   *     records nested in other records)
   * @param role what the record is, in a few words
   * @param writer who writes it
   * @param type the generated class whose records are written
   */
  public record Required(
      String subject, Schema schema, String topic, String role, Writer writer, Class<?> type) {
    /** The record's full name. */
    public String recordName() {
      return schema.getFullName();
    }
  }

  /**
   * The schemas, one per subject and schema, in a stable order, and what could not be listed.
   *
   * @param schemas what to register
   * @param problems steps whose command type could not be found, each a sentence naming the step
   */
  public record Listing(List<Required> schemas, List<String> problems) {
    public Listing {
      schemas = List.copyOf(schemas);
      problems = List.copyOf(problems);
    }
  }

  private SchemaSubjects() {}

  /**
   * The schemas of Sagaflow's own topics and of {@code sagas}' data, commands and results.
   *
   * @param applicationId the Kafka Streams application id, which names the state changelog
   */
  public static Listing of(SagaRegistry sagas, String applicationId) {
    Map<String, Required> found = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Class<? extends SpecificRecord> type : SagaTopics.REQUEST_TYPES) {
      add(found, SagaTopics.REQUEST_RECORDS, SagaTopics.REQUESTS, type, "request", Writer.CLIENTS);
    }
    add(
        found,
        SagaTopics.REPLY_RECORDS,
        SagaTopics.REPLIES,
        StepReply.class,
        "step reply",
        Writer.PROCESSOR);
    add(
        found,
        SagaTopics.EVENT_RECORDS,
        SagaTopics.EVENTS,
        SagaEvent.class,
        "lifecycle event",
        Writer.PROCESSOR);
    add(
        found,
        SagaTopics.DEAD_LETTER_RECORDS,
        SagaTopics.DLQ,
        DeadLetter.class,
        "dead letter",
        Writer.PROCESSOR);
    add(
        found,
        SagaTopics.STATE_RECORDS,
        SagaTopics.stateChangelog(applicationId),
        SagaStateRecord.class,
        "stored saga state",
        Writer.PROCESSOR_SELF_REGISTERED);
    for (SagaDefinition<?> definition : sagas.all()) {
      add(found, definition, problems);
    }
    return new Listing(List.copyOf(found.values()), problems);
  }

  private static <D> void add(
      Map<String, Required> found, SagaDefinition<D> definition, List<String> problems) {
    String saga = "saga '" + definition.type() + "' v" + definition.version();
    Class<D> dataType = definition.dataType();
    if (!SpecificRecord.class.isAssignableFrom(dataType)) {
      problems.add(saga + ": its data type " + dataType.getName() + " is no Avro generated record");
      return;
    }
    add(
        found,
        SagaTopics.NESTED_RECORDS,
        SagaTopics.NESTED_RECORDS.name(),
        dataType,
        "data of " + saga + ", nested in StartSaga.data and the stored state",
        Writer.PROCESSOR);
    Optional<D> sample = sample(dataType, saga, problems);
    for (StepDefinition<D> step : definition.steps()) {
      String where = saga + ", step '" + step.name() + "'";
      command(found, problems, sample, step.action(), step.commandTopic(), where + " (action)");
      step.compensation()
          .ifPresent(
              factory ->
                  command(
                      found,
                      problems,
                      sample,
                      factory,
                      step.effectiveCompensationTopic(),
                      where + " (compensation)"));
      step.onSuccess()
          .map(ReplyMapping::resultType)
          .ifPresent(
              result -> {
                if (SpecificRecord.class.isAssignableFrom(result)) {
                  add(
                      found,
                      SagaTopics.NESTED_RECORDS,
                      SagaTopics.NESTED_RECORDS.name(),
                      result,
                      "result of " + where + ", nested in StepReply.stepResult",
                      Writer.PARTICIPANTS);
                } else {
                  problems.add(
                      where + ": its result type " + result.getName() + " is no generated record");
                }
              });
    }
  }

  private static <D> Optional<D> sample(Class<D> dataType, String saga, List<String> problems) {
    try {
      return Optional.of(SampleData.of(dataType));
    } catch (RuntimeException e) {
      problems.add(saga + ": no sample of its data type to build commands from: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static <D> void command(
      Map<String, Required> found,
      List<String> problems,
      Optional<D> sample,
      Function<D, Object> factory,
      String topic,
      String where) {
    if (sample.isEmpty()) {
      // Already reported once for the saga.
      return;
    }
    Object command;
    try {
      command = factory.apply(sample.get());
    } catch (RuntimeException e) {
      problems.add(
          where
              + ": the command factory failed on sample data ("
              + e
              + "), so its command type is unknown; register its schema under its record name"
              + " by hand");
      return;
    }
    if (!(command instanceof SpecificRecord record)) {
      problems.add(
          where
              + ": the command factory built "
              + (command == null ? "null" : "a " + command.getClass().getName())
              + ", not an Avro generated record");
      return;
    }
    add(
        found,
        SagaTopics.commandRecords(topic),
        topic,
        record.getClass(),
        "command of " + where,
        Writer.PROCESSOR);
  }

  private static void add(
      Map<String, Required> found,
      SagaTopic<?> registry,
      String topic,
      Class<?> type,
      String role,
      Writer writer) {
    Schema schema = RegistrySchemas.normalised(SpecificData.get().getSchema(type));
    String subject = registry.subjects().subject(topic, false, schema);
    // First come, first kept: the core topics come first, and a record used twice (data of two
    // versions, one command on two steps) is one schema under one subject.
    found.putIfAbsent(
        subject + "\n" + schema, new Required(subject, schema, topic, role, writer, type));
  }
}

package io.sagaflow.topology;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.OperatorCommand;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.StepDefinition;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;

/**
 * The topics the saga processor reads and writes. Input topics are keyed by saga id; participant
 * command topics come from the registered definitions.
 *
 * <p>The {@code *_RECORDS} constants are the typed registry: each pairs a topic with its value type
 * and subject strategy ({@link SagaTopic}). Every serializer and deserializer of a Sagaflow record
 * comes from one of them, so no caller chooses a subject strategy of its own.
 */
public final class SagaTopics {
  /** Start, cancel and operator requests. */
  public static final String REQUESTS = "saga.requests";

  /** Participants' step replies. */
  public static final String REPLIES = "saga.replies";

  /** Lifecycle events of every saga. */
  public static final String EVENTS = "saga.events";

  /** Records that could not be processed, with the reason in headers. */
  public static final String DLQ = "saga.dlq";

  /**
   * The topics every deployment has, whatever sagas it runs: the saga topics and the rollout topics
   * ({@link RolloutTopics}), which the processor reads whether or not a rollout runs.
   */
  public static final List<String> CORE =
      List.of(
          REQUESTS,
          REPLIES,
          EVENTS,
          DLQ,
          RolloutTopics.REQUESTS,
          RolloutTopics.ROLLOUTS,
          RolloutTopics.EVENTS,
          RolloutTopics.OBSERVATIONS);

  /** saga.requests: start, cancel and operator requests, several types. */
  public static final SagaTopic<SpecificRecord> REQUEST_RECORDS = SagaTopic.severalTypes(REQUESTS);

  /** The record types saga.requests carries, each under its record-name subject. */
  public static final List<Class<? extends SpecificRecord>> REQUEST_TYPES =
      List.of(StartSaga.class, CancelSaga.class, OperatorCommand.class);

  /** saga.replies: step replies. */
  public static final SagaTopic<StepReply> REPLY_RECORDS =
      SagaTopic.oneType(REPLIES, StepReply.class);

  /** saga.events: lifecycle events. */
  public static final SagaTopic<SagaEvent> EVENT_RECORDS =
      SagaTopic.oneType(EVENTS, SagaEvent.class);

  /** saga.dlq, or the configured dead-letter topic: dead letters. */
  public static final SagaTopic<DeadLetter> DEAD_LETTER_RECORDS =
      SagaTopic.oneType(DLQ, DeadLetter.class);

  /**
   * The saga-state store; its changelog, {@code <application.id>-saga-state-changelog}, carries one
   * type.
   */
  public static final SagaTopic<SagaStateRecord> STATE_RECORDS =
      SagaTopic.oneType(SagaTopology.STATE_STORE, SagaStateRecord.class);

  /**
   * Records nested in other records (saga data, step results, captured fixture payloads); not a
   * topic, so record-name subjects give one type one subject wherever it travels.
   */
  public static final SagaTopic<SpecificRecord> NESTED_RECORDS =
      SagaTopic.severalTypes("sagaflow.nested");

  private SagaTopics() {}

  /**
   * The changelog topic of the saga-state store, as Kafka Streams names it: the serializer of
   * {@link #STATE_RECORDS} is called with this topic, so its subject is {@code <this>-value}.
   */
  public static String stateChangelog(String applicationId) {
    return applicationId + "-" + SagaTopology.STATE_STORE + "-changelog";
  }

  /** A participant's command topic: actions and compensations, several types. */
  public static SagaTopic<SpecificRecord> commandRecords(String topic) {
    return SagaTopic.severalTypes(topic);
  }

  /** Every command and compensation topic named by any version of any registered saga. */
  public static Set<String> commandTopics(SagaRegistry registry) {
    Set<String> topics = new TreeSet<>();
    for (SagaDefinition<?> definition : registry.all()) {
      for (StepDefinition<?> step : definition.steps()) {
        topics.add(step.commandTopic());
        step.compensationTopic().ifPresent(topics::add);
      }
    }
    return topics;
  }
}

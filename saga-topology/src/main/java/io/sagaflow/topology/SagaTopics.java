package io.sagaflow.topology;

import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.StepDefinition;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The topics the saga processor reads and writes. Input topics are keyed by saga id; participant
 * command topics come from the registered definitions.
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

  /** The topics every deployment has, whatever sagas it runs. */
  public static final List<String> CORE = List.of(REQUESTS, REPLIES, EVENTS, DLQ);

  private SagaTopics() {}

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

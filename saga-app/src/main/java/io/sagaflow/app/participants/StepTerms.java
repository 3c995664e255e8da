package io.sagaflow.app.participants;

import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.StepDefinition;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * What a participant must know of a step to misbehave safely: how long the processor waits for a
 * reply, and whether a second attempt follows a first that goes unanswered.
 *
 * @param timeout the step's attempt timeout
 * @param retriesAfterFirst whether the step's retry policy allows an attempt after the first
 */
public record StepTerms(Duration timeout, boolean retriesAfterFirst) {

  /** Terms that allow no misbehaviour: for a step no loaded definition has. */
  public static final StepTerms UNKNOWN = new StepTerms(Duration.ZERO, false);

  /** The terms of {@code step}. */
  public static StepTerms of(StepDefinition<?> step) {
    return new StepTerms(step.timeout(), step.effectiveRetryPolicy().allowsAttemptAfter(1));
  }

  /**
   * The terms of every step whose actions go to {@code topic}, by step name. Commands do not say
   * which saga type or version sent them, so a name used by several definitions gets the strictest
   * terms: the longest timeout, and a second attempt only if every one of them allows it.
   */
  public static Map<String, StepTerms> onTopic(String topic, SagaRegistry registry) {
    Map<String, StepTerms> terms = new HashMap<>();
    registry.all().stream()
        .<StepDefinition<?>>flatMap(definition -> definition.steps().stream())
        .filter(step -> step.commandTopic().equals(topic))
        .forEach(step -> terms.merge(step.name(), of(step), StepTerms::strictest));
    return Map.copyOf(terms);
  }

  private static StepTerms strictest(StepTerms a, StepTerms b) {
    return new StepTerms(
        a.timeout.compareTo(b.timeout) >= 0 ? a.timeout : b.timeout,
        a.retriesAfterFirst && b.retriesAfterFirst);
  }
}

package io.sagaflow.bench;

import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.participant.Participant;
import io.sagaflow.topology.SagaTopics;

/** Creates the saga topics of the example saga on a benchmark broker. */
final class SagaTopicsSetup {
  private SagaTopicsSetup() {}

  static void create(BenchTopics topics, int partitions) throws Exception {
    for (String topic : SagaTopics.CORE) {
      topics.create(topic, partitions);
    }
    for (String topic :
        SagaTopics.commandTopics(SagaRegistry.of(OrderFulfilmentSaga.definition()))) {
      topics.create(topic, partitions);
      // The simulated participants (the participant kit) require their dead-letter topic.
      topics.create(Participant.defaultDeadLetterTopic(topic), 1);
    }
  }
}

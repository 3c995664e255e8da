package io.sagaflow.bench;

import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.participant.Participant;
import io.sagaflow.topology.SagaTopics;
import java.util.Map;

/** Creates the saga topics of the example saga on a benchmark broker. */
final class SagaTopicsSetup {
  private SagaTopicsSetup() {}

  static void create(BenchTopics topics, int partitions) throws Exception {
    for (String topic : SagaTopics.CORE) {
      // Replies carry the broker's append time as their record time (the participant's send time
      // stays in ce_time), so the open-loop phase can tell a reply's wait before the broker from
      // its wait after it. The processor does not read a reply's record time.
      topics.create(
          topic,
          partitions,
          topic.equals(SagaTopics.REPLIES)
              ? Map.of("message.timestamp.type", "LogAppendTime")
              : Map.of());
    }
    for (String topic :
        SagaTopics.commandTopics(SagaRegistry.of(OrderFulfilmentSaga.definition()))) {
      topics.create(topic, partitions);
      // The simulated participants (the participant kit) require their dead-letter topic.
      topics.create(Participant.defaultDeadLetterTopic(topic), 1);
    }
  }
}

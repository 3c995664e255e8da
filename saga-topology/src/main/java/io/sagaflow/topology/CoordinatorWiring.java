package io.sagaflow.topology;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the coordinator is connected to: store and sink names, its input topics, shared helpers, and
 * the timer settings. Built once by {@link SagaTopology}.
 */
record CoordinatorWiring(
    String stateStore,
    String timerStore,
    String indexStore,
    String replyTopic,
    String eventSink,
    String observationSink,
    String deadLetterSink,
    Map<String, String> commandSinks,
    DataCodec data,
    DeadLetters deadLetters,
    SagaCounters counters,
    Duration punctuationInterval,
    int timerBudget,
    List<String> inputTopics,
    Duration catchUpLimit,
    int busyThreshold,
    Duration busyLimit,
    Duration stallThreshold) {

  CoordinatorWiring {
    commandSinks = Map.copyOf(commandSinks);
    inputTopics = List.copyOf(inputTopics);
  }

  String commandSink(String topic) {
    String sink = commandSinks.get(topic);
    if (sink == null) {
      throw new IllegalStateException(
          "No sink for command topic " + topic + "; it is not named by any registered definition");
    }
    return sink;
  }
}

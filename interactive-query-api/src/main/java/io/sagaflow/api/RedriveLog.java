package io.sagaflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * This instance's view of {@link RedriveClients#LOG_TOPIC}: which dead letters were redriven, by
 * whom and when. Caught up to the topic's end (read committed) before every decision, so a letter
 * redriven by any instance is seen as such. Not thread-safe: the {@link Redriver} serialises use.
 */
final class RedriveLog implements AutoCloseable {
  private final Consumer<byte[], byte[]> consumer;
  private final ObjectMapper mapper;
  private final Map<String, JsonNode> records = new HashMap<>();

  RedriveLog(Consumer<byte[], byte[]> consumer, ObjectMapper mapper) {
    this.consumer = consumer;
    this.mapper = mapper;
    List<TopicPartition> partitions =
        consumer.partitionsFor(RedriveClients.LOG_TOPIC).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** The record of {@code letterId}'s redrive, if it was redriven. */
  Optional<JsonNode> find(String letterId) {
    catchUp();
    return Optional.ofNullable(records.get(letterId));
  }

  /** Remembers a record this instance has just committed. */
  void remember(String letterId, JsonNode record) {
    records.put(letterId, record);
  }

  private void catchUp() {
    Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw ApiProblem.unavailable(
            "kafka-unavailable",
            "The record of past redrives ("
                + RedriveClients.LOG_TOPIC
                + ") could not be read to its end in 10 s, so whether a letter was already"
                + " redriven is unknown; nothing was redriven. Retry shortly.",
            2);
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        String key = new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
          records.remove(key);
          continue;
        }
        try {
          records.put(key, mapper.readTree(r.value()));
        } catch (IOException e) {
          throw new IllegalStateException(
              "Record " + r.offset() + " of " + RedriveClients.LOG_TOPIC + " is not JSON", e);
        }
      }
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}

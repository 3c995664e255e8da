package io.sagaflow.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks every instance of the application for its part of an answer that spans all partitions of a
 * store (search, a saga's dead letters): this instance reads its own active partitions, every other
 * instance in {@code streamsMetadataForStore} is asked once over HTTP with the forwarding header,
 * and the parts are accepted only when they cover each partition exactly once.
 */
final class FanOut {
  private final KafkaStreams streams;
  private final Optional<HostInfo> self;
  private final Forwarder forwarder;
  private final ToIntFunction<String> partitionCount;

  /**
   * @param self this instance's application.server; absent on a single instance
   * @param partitionCount the number of partitions of a topic (from the producer's metadata)
   */
  FanOut(
      KafkaStreams streams,
      Optional<HostInfo> self,
      Forwarder forwarder,
      ToIntFunction<String> partitionCount) {
    this.streams = streams;
    this.self = self;
    this.forwarder = forwarder;
    this.partitionCount = partitionCount;
  }

  /**
   * Every instance's part of the answer, covering each partition of {@code topic} (the store's
   * source topic) exactly once.
   *
   * @param what names the answer in a 503's detail
   * @param read the request to repeat on the other instances, with the caller's credentials
   * @param local this instance's part, given the partitions it owns
   * @param remote another instance's part, from its JSON answer
   */
  <T> List<Partial<T>> gather(
      String store,
      String topic,
      String what,
      Forwarder.Read read,
      Function<Set<Integer>, Partial<T>> local,
      Function<String, Partial<T>> remote) {
    requireRunning(what);
    Set<HostInfo> others = new LinkedHashSet<>();
    boolean here = self.isEmpty();
    if (self.isPresent()) {
      for (StreamsMetadata instance : streams.streamsMetadataForStore(store)) {
        if (instance.hostInfo().equals(self.get())) {
          here = true;
        } else {
          others.add(instance.hostInfo());
        }
      }
    }
    List<Partial<T>> parts = new ArrayList<>();
    if (here) {
      parts.add(local.apply(localActive(topic)));
    }
    for (HostInfo other : others) {
      Forwarder.Answer answer = forwarder.get(other, read);
      if (answer.status() != 200) {
        throw ApiProblem.unavailable(
            "store-unavailable",
            what
                + " needs every instance, and "
                + other.host()
                + ":"
                + other.port()
                + " answered "
                + answer.status()
                + " ("
                + answer.body()
                + "). Retry shortly.",
            1);
      }
      parts.add(remote.apply(answer.body()));
    }
    Partial.requireExactCover(parts, partitions(topic, what), what);
    return parts;
  }

  /** This instance's part only, for a request another instance forwarded. */
  <T> Partial<T> localOnly(String topic, String what, Function<Set<Integer>, Partial<T>> local) {
    requireRunning(what);
    return local.apply(localActive(topic));
  }

  /** The partitions of {@code topic} whose active tasks run in this instance. */
  private Set<Integer> localActive(String topic) {
    Set<Integer> partitions = new TreeSet<>();
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : thread.activeTasks()) {
        for (TopicPartition tp : task.topicPartitions()) {
          if (tp.topic().equals(topic)) {
            partitions.add(tp.partition());
          }
        }
      }
    }
    return partitions;
  }

  private int partitions(String topic, String what) {
    try {
      return partitionCount.applyAsInt(topic);
    } catch (RuntimeException e) {
      throw ApiProblem.unavailable(
          "store-unavailable",
          what + " cannot tell how many partitions " + topic + " has (" + e + "). Retry shortly.",
          1);
    }
  }

  private void requireRunning(String what) {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      throw ApiProblem.unavailable(
          "store-unavailable",
          what
              + " cannot be answered while Kafka Streams is "
              + state
              + " (not RUNNING); partitions may be restoring or moving. Retry shortly.",
          1);
    }
  }
}

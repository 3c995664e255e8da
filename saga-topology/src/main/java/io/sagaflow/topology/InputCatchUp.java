package io.sagaflow.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a task's due timers, after it starts (a restart, a restore, a partition moving in), until
 * its inputs have caught up to where they stood at that moment. Without it, timers that fell due
 * while the processor was down fire on the first scan, before the replies already waiting in
 * saga.replies are read: steps answered in time would be retried or compensated.
 *
 * <p>"Caught up" is measured per input partition against its last stable offset taken at start: a
 * partition has caught up once the coordinator processed the record before that offset, or once the
 * application's committed position reached it (which also covers what the coordinator never sees:
 * transaction markers, aborted records, inputs dead-lettered by the decoders). Both offsets come
 * from an admin client that lives only until the task has caught up. The hold never lasts longer
 * than {@code limit}: past it timers fire anyway, with a warning.
 */
final class InputCatchUp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InputCatchUp.class);

  private final String task;
  private final String groupId;
  private final Set<TopicPartition> inputs;
  private final Map<TopicPartition, Long> processed = new HashMap<>();
  private final long startedMs;
  private final long limitMs;
  private Admin admin;
  private KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> targetsCall;
  private Map<TopicPartition, Long> targets;
  private KafkaFuture<Map<TopicPartition, OffsetAndMetadata>> committedCall;
  private boolean released;

  private InputCatchUp(
      String task,
      String groupId,
      Set<TopicPartition> inputs,
      Admin admin,
      long startedMs,
      Duration limit) {
    this.task = task;
    this.groupId = groupId;
    this.inputs = inputs;
    this.admin = admin;
    this.startedMs = startedMs;
    this.limitMs = limit.toMillis();
    this.released = admin == null;
    if (admin != null) {
      requestTargets();
    }
  }

  /** A gate that is always open: timers fire as soon as they are due. */
  static InputCatchUp none() {
    return new InputCatchUp("-", "-", Set.of(), null, 0, Duration.ZERO);
  }

  /**
   * Starts measuring for the task behind {@code context}, whose inputs are partition {@code
   * context.taskId().partition()} of each of {@code topics}; a zero {@code limit} holds nothing.
   */
  static InputCatchUp start(ProcessorContext<?, ?> context, List<String> topics, Duration limit) {
    if (limit.isZero() || limit.isNegative()) {
      return none();
    }
    Set<TopicPartition> inputs = new LinkedHashSet<>();
    topics.forEach(t -> inputs.add(new TopicPartition(t, context.taskId().partition())));
    String groupId = context.applicationId();
    Admin admin = Admin.create(adminConfig(context.appConfigs(), context.taskId().toString()));
    return new InputCatchUp(
        context.taskId().toString(), groupId, inputs, admin, context.currentSystemTimeMs(), limit);
  }

  /** Notes a record the coordinator processed. */
  void processed(Optional<RecordMetadata> metadata) {
    if (released || metadata.isEmpty()) {
      return;
    }
    RecordMetadata m = metadata.get();
    processed.merge(new TopicPartition(m.topic(), m.partition()), m.offset() + 1, Math::max);
  }

  /** Whether due timers may fire now; once true, it stays true for the life of the task. */
  boolean caughtUp(long nowMs) {
    if (released) {
      return true;
    }
    if (nowMs - startedMs >= limitMs) {
      LOG.warn(
          "Task {}: inputs have not caught up {} ms after the task started (targets {}, processed"
              + " {}); due timers fire now, and some may be for steps whose replies are still"
              + " unread",
          task,
          limitMs,
          targets,
          processed);
      release();
      return true;
    }
    if (targets == null && !readTargets()) {
      return false;
    }
    readCommitted();
    if (inputs.stream().allMatch(p -> processed.getOrDefault(p, 0L) >= targets.get(p))) {
      LOG.debug(
          "Task {}: inputs caught up to {} after {} ms; timers fire from now on",
          task,
          targets,
          nowMs - startedMs);
      release();
      return true;
    }
    return false;
  }

  private void requestTargets() {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    inputs.forEach(p -> latest.put(p, OffsetSpec.latest()));
    // read_committed: the last stable offset, which is as far as the coordinator can read.
    targetsCall =
        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all();
  }

  /** Takes the targets once their call has answered; asks again when it failed. */
  private boolean readTargets() {
    if (!targetsCall.isDone()) {
      return false;
    }
    try {
      Map<TopicPartition, Long> offsets = new HashMap<>();
      targetsCall.get().forEach((p, info) -> offsets.put(p, info.offset()));
      targets = offsets;
      return true;
    } catch (ExecutionException e) {
      LOG.debug("Task {}: end offsets unavailable ({}); asking again", task, e.getCause());
      requestTargets();
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Folds the last answered committed positions into {@link #processed}; keeps one call open. */
  private void readCommitted() {
    if (committedCall != null && committedCall.isDone()) {
      try {
        committedCall
            .get()
            .forEach(
                (p, offset) -> {
                  if (offset != null) {
                    processed.merge(p, offset.offset(), Math::max);
                  }
                });
      } catch (ExecutionException e) {
        LOG.debug("Task {}: committed offsets unavailable ({})", task, e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      committedCall = null;
    }
    if (committedCall == null) {
      committedCall =
          admin
              .listConsumerGroupOffsets(
                  Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(inputs)))
              .partitionsToOffsetAndMetadata(groupId);
    }
  }

  private void release() {
    released = true;
    close();
  }

  @Override
  public void close() {
    if (admin != null) {
      // Never wait on the stream thread: pending calls are abandoned, not awaited.
      admin.close(Duration.ZERO);
      admin = null;
    }
  }

  /**
   * The admin client's settings out of the application's: connection and security settings as
   * given, {@code admin.}-prefixed ones over them, and a client id naming the task.
   */
  static Map<String, Object> adminConfig(Map<String, Object> appConfigs, String taskId) {
    Map<String, Object> config = new HashMap<>();
    Set<String> names = AdminClientConfig.configNames();
    appConfigs.forEach(
        (key, value) -> {
          if (names.contains(key)) {
            config.put(key, value);
          }
        });
    String prefix = StreamsConfig.ADMIN_CLIENT_PREFIX;
    appConfigs.forEach(
        (key, value) -> {
          if (key.startsWith(prefix) && names.contains(key.substring(prefix.length()))) {
            config.put(key.substring(prefix.length()), value);
          }
        });
    Object appId = appConfigs.getOrDefault(StreamsConfig.APPLICATION_ID_CONFIG, "sagaflow");
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, appId + "-timers-catch-up-" + taskId);
    return config;
  }
}

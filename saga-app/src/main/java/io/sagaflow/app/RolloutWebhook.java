package io.sagaflow.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.contract.RolloutEvent;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.RolloutTopics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts every record of the rollout hook topic to an operator's HTTP endpoint, at least once: a
 * record's offset is committed only after the endpoint answered 2xx, and a failed post is retried
 * with doubling back-off (0.5 s to 60 s) until it succeeds or the runtime stops. Each post carries
 * the event's {@code eventId} as {@code Idempotency-Key}, so a receiver drops the repeats a restart
 * may cause. A consumer of its own, outside stream processing: a slow or dead endpoint delays only
 * the webhook, never a saga.
 */
final class RolloutWebhook implements AutoCloseable {
  /** Where to post; off when unset. */
  static final String URL_SETTING = "saga.rollout.webhook.url";

  /** Bearer token sent to the endpoint; none when unset. */
  static final String TOKEN_SETTING = "saga.rollout.webhook.token";

  private static final Logger LOG = LoggerFactory.getLogger(RolloutWebhook.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<RolloutEvent> events;
  private final URI url;
  private final Optional<String> token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean running = true;

  private RolloutWebhook(SagaflowConfig config, SchemaRegistry schemas, URI url) {
    java.util.Properties props =
        ClientProperties.consumer(
            config, config.kafka().get("application.id") + "-rollout-webhook");
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.events = RolloutTopics.EVENT_RECORDS.deserializer(schemas);
    this.url = url;
    this.token =
        Optional.ofNullable(config.settings().get(TOKEN_SETTING)).filter(t -> !t.isBlank());
    this.thread = new Thread(this::run, "sagaflow-rollout-webhook");
  }

  /** Starts posting when {@link #URL_SETTING} is set; empty otherwise. */
  static Optional<RolloutWebhook> startIfConfigured(SagaflowConfig config, SchemaRegistry schemas) {
    return Optional.ofNullable(config.settings().get(URL_SETTING))
        .filter(u -> !u.isBlank())
        .map(
            u -> {
              RolloutWebhook webhook = new RolloutWebhook(config, schemas, URI.create(u));
              webhook.thread.start();
              LOG.info("Rollout webhook posts {} to {}", RolloutTopics.EVENTS, u);
              return webhook;
            });
  }

  private void run() {
    try {
      consumer.subscribe(List.of(RolloutTopics.EVENTS));
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value() != null) {
            decode(record).ifPresent(this::deliverUntilStopped);
          }
          if (!running) {
            return;
          }
          consumer.commitSync(
              Map.of(
                  new org.apache.kafka.common.TopicPartition(record.topic(), record.partition()),
                  new org.apache.kafka.clients.consumer.OffsetAndMetadata(record.offset() + 1)));
        }
      }
    } catch (WakeupException e) {
      // close() interrupts a blocking poll; the uncommitted record is posted again next time.
      LOG.debug("Rollout webhook woken to stop");
    } catch (StopRequested e) {
      // close() interrupted a back-off; the uncommitted record is posted again next time.
      LOG.debug("Rollout webhook stopped while retrying");
    } finally {
      consumer.close();
      stopped.countDown();
    }
  }

  /**
   * The event, or empty for a record that is not one (the topic takes any producer's writes): it is
   * skipped with a WARN naming where it is, so one bad record never stops the hook.
   */
  private Optional<RolloutEvent> decode(ConsumerRecord<String, byte[]> record) {
    try {
      return Optional.of(events.deserialize(record.topic(), record.headers(), record.value()));
    } catch (RuntimeException e) {
      LOG.warn(
          "Rollout webhook skips {}-{}@{}: not a RolloutEvent ({})",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getClass().getSimpleName());
      return Optional.empty();
    }
  }

  private void deliverUntilStopped(RolloutEvent event) {
    try {
      deliver(event);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StopRequested();
    }
  }

  /** Unwinds the poll loop when close() interrupts a back-off. */
  private static final class StopRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopRequested() {
      super(null, null, false, false);
    }
  }

  private void deliver(RolloutEvent event) throws InterruptedException {
    byte[] body = body(event);
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; running; attempt++) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(url)
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .header("Idempotency-Key", event.getEventId())
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
      String failure;
      try {
        HttpResponse<String> answer =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 == 2) {
          LOG.info("Rollout webhook delivered {} {}", event.getEventType(), event.getEventId());
          return;
        }
        failure = "HTTP " + answer.statusCode();
      } catch (IOException e) {
        failure = e.toString();
      }
      LOG.warn(
          "Rollout webhook could not deliver {} {} to {} (attempt {}: {}); retrying in {} ms",
          event.getEventType(),
          event.getEventId(),
          url,
          attempt,
          failure,
          backoff.toMillis());
      Thread.sleep(backoff.toMillis());
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  private byte[] body(RolloutEvent event) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("eventId", event.getEventId());
    view.put("eventType", event.getEventType());
    view.put("sagaType", event.getSagaType());
    view.put("rolloutId", event.getRolloutId());
    view.put("generation", event.getGeneration());
    view.put("requestId", event.getRequestId());
    view.put("stableVersion", event.getStableVersion());
    view.put("candidateVersion", event.getCandidateVersion());
    view.put("guard", event.getGuard());
    view.put("observed", event.getObserved());
    view.put("threshold", event.getThreshold());
    view.put("cancelledSagas", event.getCancelledSagas());
    view.put("reason", event.getReason());
    view.put("at", event.getAt().toString());
    try {
      return json.writeValueAsBytes(view);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("A rollout event did not turn into JSON: " + view, e);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    consumer.wakeup();
    try {
      if (!stopped.await(30, TimeUnit.SECONDS)) {
        LOG.warn("Rollout webhook did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

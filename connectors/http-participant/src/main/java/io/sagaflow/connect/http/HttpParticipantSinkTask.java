package io.sagaflow.connect.http;

import io.sagaflow.participant.CommandReplies;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.RegistryCredentials;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import io.sagaflow.serde.SchemaRegistryException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a batch of commands: every command's HTTP exchange runs at once, then the replies are
 * written and acknowledged before {@code put} returns. Connect commits a batch's offsets only after
 * {@code put} returned, so a worker that dies mid-batch delivers its commands again (same command
 * ids) and none is lost; the participant deduplicates by {@code ce-id}.
 */
public final class HttpParticipantSinkTask extends SinkTask {
  private static final Logger LOG = LoggerFactory.getLogger(HttpParticipantSinkTask.class);

  private HttpParticipantConfig config;
  private SchemaRegistry registry;
  private AvroDeserializer<Object> commands;
  private CommandReplies replies;
  private HttpCaller caller;
  private KafkaProducer<String, byte[]> producer;
  private final Map<String, Schema> resultSchemas = new ConcurrentHashMap<>();

  @Override
  public String version() {
    return HttpParticipantSinkConnector.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    config = new HttpParticipantConfig(props);
    RegistryClientSettings settings = RegistryClientSettings.of(config.registryUrl());
    registry =
        new SchemaRegistryClient(
            config
                .registryToken()
                .map(token -> settings.withCredentials(RegistryCredentials.bearer(token)))
                .orElse(settings));
    commands = AvroDeserializer.generic(registry);
    String name = props.getOrDefault("name", "http-participant");
    replies = CommandReplies.create(config.replySource(name), registry, false, Clock.systemUTC());
    caller =
        new HttpCaller(
            HttpClient.newBuilder().connectTimeout(config.httpTimeout()).build(),
            config.httpTimeout(),
            config.retry());
    Map<String, Object> producerProps = new HashMap<>();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.replyBootstrapServers());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, name + "-replies-" + taskId(props));
    producerProps.putAll(config.replyProducerOverrides());
    producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    List<SinkRecord> inFlight = new ArrayList<>();
    List<Future<?>> writes = new ArrayList<>();
    List<CommandRequest> requests = new ArrayList<>();
    List<Optional<Schema>> results = new ArrayList<>();
    try {
      // Everything that needs the registry first: an outage then stops the batch before any
      // participant was called, and Connect hands the same batch over again.
      for (SinkRecord record : records) {
        try {
          CommandRequest request = CommandRequest.of(record, commands, replies, config);
          results.add(config.resultType(request.context().commandType()).map(this::resultSchema));
          requests.add(request);
          inFlight.add(record);
        } catch (IllegalArgumentException e) {
          writes.add(refuse(record, e.getMessage(), e));
        }
      }
    } catch (SchemaRegistryException e) {
      throw new RetriableException(
          "The schema registry did not answer while reading commands; Connect retries the batch: "
              + e.getMessage(),
          e);
    }
    List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      CommandRequest request = requests.get(i);
      outcomes.add(
          caller.post(request.target(), request.headers(), request.body(), results.get(i)));
    }
    CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).join();
    for (int i = 0; i < inFlight.size(); i++) {
      CommandRequest request = requests.get(i);
      Outcome outcome = outcomes.get(i).join();
      if (outcome instanceof Outcome.Answered answered) {
        writes.add(producer.send(request.context().replyRecord(answered.reply())));
      } else if (outcome instanceof Outcome.Refused refused) {
        writes.add(refuse(inFlight.get(i), refused.reason() + " (" + request + ")", null));
      } else if (outcome instanceof Outcome.Transient fault) {
        throw new IllegalStateException("a transient fault left unanswered: " + fault);
      }
    }
    awaitWritten(writes);
  }

  private Schema resultSchema(String type) {
    return resultSchemas.computeIfAbsent(
        type,
        name -> {
          try {
            return registry.latest(name).schema();
          } catch (SchemaRegistryException e) {
            if (e.isNotRegistered()) {
              throw new IllegalArgumentException(
                  "the result record "
                      + name
                      + " is not registered in "
                      + registry.location()
                      + " under its record-name subject",
                  e);
            }
            throw e;
          }
        });
  }

  /** Connect's errant-record reporter writes the dead letter; without one the task must stop. */
  private Future<Void> refuse(SinkRecord record, String reason, Throwable cause) {
    ErrantRecordReporter reporter = context.errantRecordReporter();
    ConnectException error = new ConnectException(reason, cause);
    if (reporter == null) {
      throw new ConnectException(
          "Cannot serve the command at "
              + record.topic()
              + "-"
              + record.kafkaPartition()
              + "@"
              + record.kafkaOffset()
              + " and no errant-record reporter is configured (errors.tolerance=all,"
              + " errors.deadletterqueue.topic.name): "
              + reason,
          cause);
    }
    LOG.warn(
        "Setting aside the command at {}-{}@{}: {}",
        record.topic(),
        record.kafkaPartition(),
        record.kafkaOffset(),
        reason);
    return reporter.report(record, error);
  }

  /**
   * Waits for the batch's replies and dead letters: only then may {@code put} return and Connect
   * commit the batch's offsets.
   */
  private void awaitWritten(List<Future<?>> writes) {
    producer.flush();
    try {
      for (Future<?> write : writes) {
        write.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("Interrupted while writing replies", e);
    } catch (ExecutionException e) {
      // The batch's offsets stay uncommitted: the restarted task serves it again.
      throw new ConnectException(
          "A reply or dead letter could not be written; the task stops so the batch is served"
              + " again: "
              + e.getCause().getMessage(),
          e.getCause());
    }
  }

  @Override
  public void flush(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (producer != null) {
      producer.flush();
    }
  }

  @Override
  public void stop() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
  }

  private static String taskId(Map<String, String> props) {
    return props.getOrDefault(HttpParticipantSinkConnector.TASK_ID, "0");
  }
}

package io.sagaflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.contract.DeadLetter;
import io.sagaflow.serde.AvroSerde;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.SagaTopics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Puts dead-lettered inputs back on the topic they came from. Each redrive writes the input and its
 * record in {@link RedriveClients#LOG_TOPIC} in one Kafka transaction, and a letter whose record
 * exists is never written again: redriving the same letter twice, or a retried HTTP request,
 * submits it once. One instance serialises its redrives; see docs/api.md for what two instances
 * redriving the same letter at the same moment do.
 *
 * <p>The input is the dead letter's own key and value, unless a header says the letter does not
 * hold them ({@code saga_dlq_original_omitted}: too large; {@code saga_dlq_original_redacted}:
 * tagged fields redacted): then it is read again from its source topic at the letter's coordinates.
 */
final class Redriver implements AutoCloseable {
  /** Header naming the dead letter a redriven input came from. */
  static final String REDRIVE_OF = "saga_redrive_of";

  /** Set by the dead-letter writer when the letter's value holds a redacted copy. */
  static final String ORIGINAL_REDACTED = SagaHeaders.SAGA_DLQ_ORIGINAL_REDACTED;

  private static final Set<String> INPUT_TOPICS = Set.of(SagaTopics.REQUESTS, SagaTopics.REPLIES);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final Map<String, Object> clientConfig;
  private final String transactionalId;
  private final Deserializer<DeadLetter> letters;
  private final ObjectMapper mapper;
  private final Clock clock;
  private KafkaConsumer<byte[], byte[]> reader;
  private KafkaProducer<byte[], byte[]> writer;
  private RedriveLog log;

  Redriver(RedriveClients clients, SchemaRegistry schemas, ObjectMapper mapper, Clock clock) {
    this.clientConfig = clients.clientConfig().orElseThrow();
    this.transactionalId = "sagaflow-redrive-" + clients.instanceId();
    this.letters =
        AvroSerde.specific(DeadLetter.class, schemas, AvroSerdeConfig.topicName()).deserializer();
    this.mapper = mapper;
    this.clock = clock;
  }

  /** A dead letter ready to redrive, or why it cannot be. */
  record Candidate(
      String letterId,
      String sagaId,
      String reason,
      String sourceTopic,
      Optional<String> originalFrom,
      Optional<ProducerRecord<byte[], byte[]>> input,
      Optional<String> refusal) {}

  /** What happened, or would happen, to one letter. */
  record Outcome(String letterId, String outcome, String detail, Optional<JsonNode> record) {}

  /** The letter at {@code id} as saga.dlq holds it, with its redrive record when it has one. */
  synchronized Map<String, Object> show(LetterIds.LetterId id) {
    open();
    ConsumerRecord<byte[], byte[]> raw =
        read(SagaTopics.DLQ, id.partition(), id.offset(), "letter");
    DeadLetter letter = decode(raw);
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("letterId", id.toString());
    out.put("sagaId", letter.getSagaId());
    out.put("reason", letter.getReason().name());
    out.put("detail", letter.getDetail());
    out.put("sourceTopic", letter.getSourceTopic());
    out.put("sourcePartition", letter.getSourcePartition());
    out.put("sourceOffset", letter.getSourceOffset());
    out.put("failedAt", letter.getFailedAt().toString());
    out.put(
        "originalValueBytes",
        letter.getOriginalValue() == null ? null : letter.getOriginalValue().remaining());
    List<String> headers = new ArrayList<>();
    raw.headers().forEach(h -> headers.add(h.key()));
    out.put("headers", headers);
    out.put("redrivable", refusal(letter, raw).isEmpty());
    out.put("redrive", log.find(id.toString()).orElse(null));
    return out;
  }

  /**
   * Redrives {@code ids} in one transaction, or with {@code dryRun} says what it would do. Letters
   * already redriven, and letters that cannot be, are reported and left alone.
   */
  synchronized List<Outcome> redrive(
      List<LetterIds.LetterId> ids, String operator, String note, boolean dryRun) {
    open();
    List<Outcome> outcomes = new ArrayList<>();
    List<Candidate> toWrite = new ArrayList<>();
    for (LetterIds.LetterId id : ids) {
      Optional<JsonNode> done = log.find(id.toString());
      if (done.isPresent()) {
        outcomes.add(
            new Outcome(
                id.toString(),
                "ALREADY_REDRIVEN",
                "Redriven before by "
                    + done.get().path("operator").asText()
                    + " at "
                    + done.get().path("at").asText()
                    + "; not submitted again.",
                done));
        continue;
      }
      Candidate c = candidate(id);
      if (c.refusal().isPresent()) {
        outcomes.add(
            new Outcome(id.toString(), "NOT_REDRIVABLE", c.refusal().get(), Optional.empty()));
      } else if (dryRun) {
        outcomes.add(
            new Outcome(
                id.toString(),
                "WOULD_REDRIVE",
                "Would write the "
                    + c.reason()
                    + " input of saga "
                    + c.sagaId()
                    + " (from the "
                    + c.originalFrom().orElseThrow()
                    + ") to "
                    + c.sourceTopic()
                    + ".",
                Optional.empty()));
      } else {
        toWrite.add(c);
      }
    }
    if (!toWrite.isEmpty()) {
      outcomes.addAll(write(toWrite, operator, note));
    }
    List<Outcome> ordered = new ArrayList<>();
    for (LetterIds.LetterId id : ids) {
      outcomes.stream()
          .filter(o -> o.letterId().equals(id.toString()))
          .findFirst()
          .ifPresent(ordered::add);
    }
    return ordered;
  }

  private List<Outcome> write(List<Candidate> candidates, String operator, String note) {
    List<Outcome> outcomes = new ArrayList<>();
    Map<String, JsonNode> committed = new HashMap<>();
    try {
      writer.beginTransaction();
      for (Candidate c : candidates) {
        RecordMetadata where = writer.send(c.input().orElseThrow()).get(10, TimeUnit.SECONDS);
        ObjectNode record = mapper.createObjectNode();
        record.put("letterId", c.letterId());
        record.put("sagaId", c.sagaId());
        record.put("reason", c.reason());
        record.put("operator", operator);
        record.put("note", note);
        record.put("at", clock.instant().toString());
        record.put("originalFrom", c.originalFrom().orElseThrow());
        record.put("topic", where.topic());
        record.put("partition", where.partition());
        record.put("offset", where.offset());
        writer
            .send(
                new ProducerRecord<>(
                    RedriveClients.LOG_TOPIC,
                    c.letterId().getBytes(StandardCharsets.UTF_8),
                    mapper.writeValueAsBytes(record)))
            .get(10, TimeUnit.SECONDS);
        committed.put(c.letterId(), record);
        outcomes.add(
            new Outcome(
                c.letterId(),
                "REDRIVEN",
                "Written to "
                    + where.topic()
                    + "-"
                    + where.partition()
                    + "@"
                    + where.offset()
                    + ".",
                Optional.of(record)));
      }
      writer.commitTransaction();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed(e);
    } catch (ExecutionException
        | TimeoutException
        | KafkaException
        | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw failed(e);
    }
    committed.forEach(log::remember);
    return outcomes;
  }

  private ApiProblem failed(Exception e) {
    // Whatever was sent is aborted with the transaction; a fresh writer starts clean next time.
    closeWriter();
    return ApiProblem.unavailable(
        "kafka-unavailable",
        "Redrive could not be written to Kafka ("
            + e.getClass().getSimpleName()
            + "); nothing was redriven. Retry shortly with the same request.",
        2);
  }

  private Candidate candidate(LetterIds.LetterId id) {
    ConsumerRecord<byte[], byte[]> raw =
        read(SagaTopics.DLQ, id.partition(), id.offset(), "letter");
    DeadLetter letter = decode(raw);
    String sagaId = Optional.ofNullable(letter.getSagaId()).orElse("");
    String reason = letter.getReason().name();
    Optional<String> refusal = refusal(letter, raw);
    if (refusal.isPresent()) {
      return new Candidate(
          id.toString(),
          sagaId,
          reason,
          letter.getSourceTopic(),
          Optional.empty(),
          Optional.empty(),
          refusal);
    }
    boolean fromSource =
        raw.headers().lastHeader(SagaHeaders.SAGA_DLQ_ORIGINAL_OMITTED) != null
            || raw.headers().lastHeader(ORIGINAL_REDACTED) != null;
    byte[] key;
    byte[] value;
    RecordHeaders headers = new RecordHeaders();
    Iterable<Header> original;
    if (fromSource) {
      ConsumerRecord<byte[], byte[]> source =
          read(
              letter.getSourceTopic(),
              letter.getSourcePartition(),
              letter.getSourceOffset(),
              "input");
      key = source.key();
      value = source.value();
      original = source.headers();
    } else {
      key = bytes(letter.getOriginalKey());
      value = bytes(letter.getOriginalValue());
      original = raw.headers();
    }
    for (Header h : original) {
      if (!h.key().startsWith("__streams.errors.")
          && !h.key().startsWith("saga_dlq_")
          && !h.key().equals(SagaHeaders.SAGA_MOVED_FROM)
          && !h.key().equals(REDRIVE_OF)) {
        headers.add(h);
      }
    }
    headers.add(REDRIVE_OF, id.toString().getBytes(StandardCharsets.UTF_8));
    if (value == null) {
      return new Candidate(
          id.toString(),
          sagaId,
          reason,
          letter.getSourceTopic(),
          Optional.empty(),
          Optional.empty(),
          Optional.of(
              "The dead-lettered input is a tombstone (no value); there is nothing to redrive."));
    }
    // Written without a partition: Kafka's default partitioner sends the saga id to the partition
    // that owns it, where the processor reads it as a new input.
    ProducerRecord<byte[], byte[]> input =
        new ProducerRecord<>(letter.getSourceTopic(), null, key, value, headers);
    return new Candidate(
        id.toString(),
        sagaId,
        reason,
        letter.getSourceTopic(),
        Optional.of(fromSource ? "source topic" : "dead letter"),
        Optional.of(input),
        Optional.empty());
  }

  private static Optional<String> refusal(DeadLetter letter, ConsumerRecord<byte[], byte[]> raw) {
    if (!INPUT_TOPICS.contains(letter.getSourceTopic())) {
      return Optional.of(
          "Only inputs read from "
              + INPUT_TOPICS
              + " can be redriven; this letter came from "
              + letter.getSourceTopic()
              + " (a failed timer is redriven with an operator action on its saga).");
    }
    if (letter.getSagaId() == null && raw.key() == null) {
      return Optional.of("The input had no key, so no saga would ever receive it.");
    }
    return Optional.empty();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }

  private DeadLetter decode(ConsumerRecord<byte[], byte[]> raw) {
    DeadLetter letter;
    try {
      letter = letters.deserialize(raw.topic(), raw.headers(), raw.value());
    } catch (KafkaException e) {
      throw ApiProblem.of(
          409,
          "not-redrivable",
          "Not a dead letter",
          "The record at "
              + raw.topic()
              + "-"
              + raw.partition()
              + "@"
              + raw.offset()
              + " is not a readable DeadLetter ("
              + e.getMessage()
              + ").");
    }
    if (letter == null) {
      throw ApiProblem.of(
          409, "not-redrivable", "Not a dead letter", "The record at that position is empty.");
    }
    return letter;
  }

  private ConsumerRecord<byte[], byte[]> read(
      String topic, int partition, long offset, String what) {
    TopicPartition tp = new TopicPartition(topic, partition);
    Long end;
    try {
      end = reader.endOffsets(List.of(tp), READ_TIMEOUT).get(tp);
    } catch (KafkaException e) {
      throw ApiProblem.unavailable(
          "kafka-unavailable",
          "Could not read " + topic + "-" + partition + " (" + e.getMessage() + "). Retry shortly.",
          2);
    }
    long begin = reader.beginningOffsets(List.of(tp), READ_TIMEOUT).getOrDefault(tp, 0L);
    if (end == null || offset >= end || offset < begin) {
      throw notFound(topic, partition, offset, what, begin, end);
    }
    reader.assign(List.of(tp));
    reader.seek(tp, offset);
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && reader.position(tp) < end) {
      for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
        if (r.offset() == offset) {
          return r;
        }
        if (r.offset() > offset) {
          throw notFound(topic, partition, offset, what, begin, end);
        }
      }
    }
    throw notFound(topic, partition, offset, what, begin, end);
  }

  private static ApiProblem notFound(
      String topic, int partition, long offset, String what, long begin, Long end) {
    boolean letter = what.equals("letter");
    return ApiProblem.of(
        404,
        letter ? "dead-letter-not-found" : "original-not-found",
        letter ? "Dead letter not found" : "Original input no longer available",
        (letter ? "No dead letter at " : "The original input at ")
            + topic
            + "-"
            + partition
            + "@"
            + offset
            + (letter
                ? " (the partition holds offsets "
                    + begin
                    + ".."
                    + (end == null ? "?" : end - 1)
                    + "); take letterId from GET /dead-letters."
                : " is gone (the topic now starts at offset "
                    + begin
                    + ": retention has deleted it), and the dead letter does not hold it"
                    + " (too large or redacted). Re-publish it from its producer."));
  }

  private void open() {
    if (reader == null) {
      Map<String, Object> config = new HashMap<>(clientConfig);
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      config.put(ConsumerConfig.CLIENT_ID_CONFIG, transactionalId + "-reader");
      ensureLogTopic();
      reader =
          new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      config.put(ConsumerConfig.CLIENT_ID_CONFIG, transactionalId + "-log");
      log =
          new RedriveLog(
              new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
              mapper);
    }
    if (writer == null) {
      Map<String, Object> config = new HashMap<>(clientConfig);
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
      writer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
      writer.initTransactions();
    }
  }

  private void ensureLogTopic() {
    try (Admin admin = Admin.create(clientConfig)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(RedriveClients.LOG_TOPIC, Optional.of(1), Optional.empty())
                      .configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw failed(e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed(e);
    } catch (TimeoutException e) {
      throw failed(e);
    }
  }

  private void closeWriter() {
    if (writer != null) {
      writer.close(Duration.ofSeconds(5));
      writer = null;
    }
  }

  @Override
  public synchronized void close() {
    closeWriter();
    if (reader != null) {
      reader.close();
      reader = null;
    }
    if (log != null) {
      log.close();
      log = null;
    }
  }
}

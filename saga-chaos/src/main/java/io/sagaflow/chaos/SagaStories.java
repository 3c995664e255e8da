package io.sagaflow.chaos;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.StepReply;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.SagaEventFacts;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.SagaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The committed record of a few sagas told in time order: their events, the commands sent for them,
 * the replies that came back and their dead letters. What a person needs to tell a processor bug
 * from a fault that legitimately changed an outcome (a participant down past a step's timeout),
 * without a broker tool at hand.
 */
final class SagaStories {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final Map<String, List<Line>> lines = new TreeMap<>();

  private record Line(long at, String text) {}

  private SagaStories(Set<String> sagaIds) {
    sagaIds.forEach(id -> lines.put(id, new ArrayList<>()));
  }

  /** Reads saga.events, the command topics and saga.replies for {@code sagaIds}. */
  static SagaStories tell(
      CommittedReader reader,
      SchemaRegistry schemas,
      Set<String> commandTopics,
      Set<String> sagaIds) {
    SagaStories stories = new SagaStories(sagaIds);
    AvroDeserializer<SagaEvent> events = SagaTopics.EVENT_RECORDS.deserializer(schemas);
    reader.read(
        SagaTopics.EVENTS,
        r ->
            stories
                .of(r)
                .ifPresent(
                    l -> {
                      for (SagaEvent e :
                          SagaEventFacts.of(events.deserialize(r.topic(), r.value()))) {
                        l.add(
                            new Line(
                                e.getAt().toEpochMilli(),
                                String.format(
                                    Locale.ROOT,
                                    "event   %-28s %s%s -> %s%s  (%s)",
                                    e.getEventType(),
                                    e.getStep() == null ? "" : e.getStep(),
                                    e.getAttempt() == null ? "" : " #" + e.getAttempt(),
                                    e.getStatus(),
                                    e.getReason() == null ? "" : " [" + e.getReason() + "]",
                                    where(r))));
                      }
                    }));
    for (String topic : commandTopics) {
      reader.read(
          topic,
          r ->
              stories
                  .of(r)
                  .ifPresent(
                      l ->
                          l.add(
                              new Line(
                                  r.timestamp(),
                                  String.format(
                                      Locale.ROOT,
                                      "command %-28s %s #%s %s  (%s)",
                                      header(r, SagaHeaders.SAGA_KIND),
                                      header(r, SagaHeaders.SAGA_STEP),
                                      header(r, SagaHeaders.SAGA_ATTEMPT),
                                      header(r, SagaHeaders.CE_ID),
                                      where(r))))));
    }
    AvroDeserializer<StepReply> replies = SagaTopics.REPLY_RECORDS.deserializer(schemas);
    reader.read(
        SagaTopics.REPLIES,
        r ->
            stories
                .of(r)
                .ifPresent(
                    l -> {
                      String text;
                      try {
                        StepReply reply = replies.deserialize(r.topic(), r.value());
                        text =
                            String.format(
                                Locale.ROOT,
                                "reply   %-28s %s #%d %s%s  (%s)",
                                reply.getOutcome(),
                                reply.getStep(),
                                reply.getAttempt(),
                                reply.getCommandId(),
                                reply.getErrorCode() == null
                                    ? ""
                                    : " [" + reply.getErrorCode() + "]",
                                where(r));
                      } catch (RuntimeException e) {
                        text = "reply   (unreadable: " + e.getMessage() + ")  (" + where(r) + ")";
                      }
                      l.add(new Line(r.timestamp(), text));
                    }));
    reader.read(
        SagaTopics.DLQ,
        r ->
            stories
                .of(r)
                .ifPresent(
                    l ->
                        l.add(
                            new Line(
                                r.timestamp(),
                                String.format(
                                    Locale.ROOT,
                                    "dead    %-28s from %s-%s@%s  (%s)",
                                    header(r, SagaHeaders.SAGA_DLQ_REASON),
                                    header(r, SagaHeaders.SAGA_DLQ_SOURCE_TOPIC),
                                    header(r, SagaHeaders.SAGA_DLQ_SOURCE_PARTITION),
                                    header(r, SagaHeaders.SAGA_DLQ_SOURCE_OFFSET),
                                    where(r))))));
    return stories;
  }

  /** Each saga's lines, oldest first, prefixed with their time (UTC). */
  Map<String, List<String>> lines() {
    Map<String, List<String>> result = new LinkedHashMap<>();
    lines.forEach(
        (id, story) ->
            result.put(
                id,
                story.stream()
                    .sorted(Comparator.comparingLong(Line::at))
                    .map(l -> TIME.format(Instant.ofEpochMilli(l.at())) + " " + l.text())
                    .toList()));
    return result;
  }

  private java.util.Optional<List<Line>> of(ConsumerRecord<byte[], byte[]> record) {
    if (record.key() == null || record.value() == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.ofNullable(
        lines.get(new String(record.key(), StandardCharsets.UTF_8)));
  }

  private static String where(ConsumerRecord<byte[], byte[]> r) {
    return r.topic() + "-" + r.partition() + "@" + r.offset();
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? "-" : new String(h.value(), StandardCharsets.UTF_8);
  }
}

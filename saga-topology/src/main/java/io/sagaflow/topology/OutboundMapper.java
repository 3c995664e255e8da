package io.sagaflow.topology;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaFact;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.EventType;
import io.sagaflow.engine.Ids;
import io.sagaflow.engine.Outbound;
import io.sagaflow.engine.RolloutAssignment;
import io.sagaflow.serde.SagaHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns the engine's outbound values into Kafka records with CloudEvents headers. Every value
 * derives from the decision alone (ids are name-based, times are the decision's {@code now}), so a
 * replay produces the same bytes.
 */
final class OutboundMapper {
  // Header values that repeat on every record, encoded once instead of per record.
  private static final byte[] SPECVERSION = utf8(SagaHeaders.CE_SPECVERSION_VALUE);
  private static final byte[] SOURCE = utf8(SagaHeaders.CE_SOURCE_VALUE);
  private static final byte[] EVENT_TYPE = utf8(SagaEvent.getClassSchema().getFullName());
  private static final Map<CommandKind, byte[]> KINDS = new EnumMap<>(CommandKind.class);
  // The engine's event types and the contract's, matched by name once instead of per event.
  private static final Map<EventType, SagaEventType> EVENT_TYPES = new EnumMap<>(EventType.class);

  static {
    for (CommandKind kind : CommandKind.values()) {
      KINDS.put(kind, utf8(kind.name()));
    }
    for (EventType type : EventType.values()) {
      EVENT_TYPES.put(type, SagaEventType.valueOf(type.name()));
    }
  }

  private final byte[] replyTopic;
  private final IdentityHashMap<Schema, byte[]> commandTypes = new IdentityHashMap<>();
  // A decision's records share one time, and ISO formatting costs more than the header it fills.
  private Instant formattedAt = Instant.MIN;
  private String formatted = Instant.MIN.toString();

  OutboundMapper(String replyTopic) {
    this.replyTopic = utf8(replyTopic);
  }

  /**
   * The record of {@code command}, carrying {@code traceparent} (the saga's, or the span of the
   * decision that sends it) so the participant joins the saga's trace.
   */
  Record<String, Object> command(
      Outbound.Command command, Instant now, Optional<String> traceparent) {
    if (!(command.payload() instanceof SpecificRecord payload)) {
      throw new IllegalStateException(
          "Step '"
              + command.step()
              + "' built a "
              + command.payload().getClass().getName()
              + "; commands must be Avro generated classes");
    }
    Headers headers = new RecordHeaders();
    headers.add(SagaHeaders.CE_SPECVERSION, SPECVERSION);
    headers.add(SagaHeaders.CE_ID, Ids.canonicalBytes(command.commandId()));
    headers.add(
        SagaHeaders.CE_TYPE,
        commandTypes.computeIfAbsent(payload.getSchema(), schema -> utf8(schema.getFullName())));
    headers.add(SagaHeaders.CE_SOURCE, SOURCE);
    put(headers, SagaHeaders.CE_SUBJECT, command.sagaId());
    put(headers, SagaHeaders.CE_TIME, iso(now));
    put(headers, SagaHeaders.SAGA_STEP, command.step());
    put(headers, SagaHeaders.SAGA_ATTEMPT, Integer.toString(command.attempt()));
    headers.add(SagaHeaders.SAGA_KIND, KINDS.get(command.kind()));
    headers.add(SagaHeaders.SAGA_REPLY_TOPIC, replyTopic);
    traceparent.ifPresent(tp -> put(headers, SagaHeaders.TRACEPARENT, tp));
    return new Record<>(command.sagaId(), payload, now.toEpochMilli(), headers);
  }

  /**
   * The one {@code saga.events} record of a decision's lifecycle events: the first is the record's
   * top-level fact, the others follow in {@code furtherFacts} in the engine's order. Its {@code
   * ce_id} is the first event's id, as when each event had a record of its own.
   *
   * @param events the decision's events, at least one, all about one saga at one time
   */
  Record<String, Object> events(List<Outbound.LifecycleEvent> events, String traceparent) {
    Outbound.LifecycleEvent event = events.get(0);
    List<SagaFact> further = new ArrayList<>(events.size() - 1);
    for (Outbound.LifecycleEvent next : events.subList(1, events.size())) {
      further.add(
          new SagaFact(
              eventType(next),
              next.step().orElse(null),
              next.attempt().orElse(null),
              next.status().name(),
              next.reason().orElse(null)));
    }
    Optional<RolloutAssignment> rollout = event.rollout();
    // The all-fields constructor: the builder's validation and default copies cost more than the
    // record's encoding, once per decision.
    SagaEvent value =
        new SagaEvent(
            event.sagaId(),
            event.type(),
            event.version(),
            eventType(event),
            event.step().orElse(null),
            event.attempt().orElse(null),
            event.status().name(),
            event.reason().orElse(null),
            event.at(),
            rollout.map(RolloutAssignment::rolloutId).orElse(null),
            rollout.map(RolloutAssignment::generation).orElse(null),
            rollout.map(RolloutAssignment::weightBasisPoints).orElse(null),
            rollout.map(RolloutAssignment::bucket).orElse(null),
            rollout.map(r -> r.role().name()).orElse(null),
            further);
    Headers headers = new RecordHeaders();
    headers.add(SagaHeaders.CE_SPECVERSION, SPECVERSION);
    headers.add(SagaHeaders.CE_ID, Ids.canonicalBytes(eventId(event)));
    headers.add(SagaHeaders.CE_TYPE, EVENT_TYPE);
    headers.add(SagaHeaders.CE_SOURCE, SOURCE);
    put(headers, SagaHeaders.CE_SUBJECT, event.sagaId());
    put(headers, SagaHeaders.CE_TIME, iso(event.at()));
    if (!traceparent.isEmpty()) {
      put(headers, SagaHeaders.TRACEPARENT, traceparent);
    }
    return new Record<>(event.sagaId(), value, event.at().toEpochMilli(), headers);
  }

  private String iso(Instant at) {
    if (!at.equals(formattedAt)) {
      formatted = at.toString();
      formattedAt = at;
    }
    return formatted;
  }

  private static SagaEventType eventType(Outbound.LifecycleEvent event) {
    return EVENT_TYPES.get(event.eventType());
  }

  private static UUID eventId(Outbound.LifecycleEvent e) {
    return Ids.eventId(
        e.sagaId(), e.eventType().name(), e.step(), e.attempt(), e.at().toEpochMilli());
  }

  private static void put(Headers headers, String name, String value) {
    headers.add(name, utf8(value));
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}

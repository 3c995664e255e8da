package io.sagaflow.participant;

import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.CommandKind;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The correlation of one command, read from its headers: whom to answer and how. A handler needs it
 * to log and trace; the kit needs it to build the reply.
 *
 * <p>Two low-level methods serve tools that must break the protocol on purpose (simulations,
 * protocol tests): {@link #replyRecord} and {@link #sendRaw}. A participant service never needs
 * them.
 */
public final class CommandContext {
  private final CommandHeaders headers;
  private final String commandType;
  private final ReplyEncoder encoder;
  private final Consumer<ProducerRecord<String, byte[]>> extras;

  CommandContext(
      CommandHeaders headers,
      String commandType,
      ReplyEncoder encoder,
      Consumer<ProducerRecord<String, byte[]>> extras) {
    this.headers = headers;
    this.commandType = commandType;
    this.encoder = encoder;
    this.extras = extras;
  }

  /** The saga the command belongs to ({@code ce_subject}, also the record key). */
  public String sagaId() {
    return headers.sagaId();
  }

  /** The command's id ({@code ce_id}): the same on a redelivery, new for every attempt. */
  public UUID commandId() {
    return headers.commandId();
  }

  /** The step's name ({@code saga_step}). */
  public String step() {
    return headers.step();
  }

  /** The attempt, from 1 ({@code saga_attempt}). */
  public int attempt() {
    return headers.attempt();
  }

  /** Whether it asks to do the step or to undo it ({@code saga_kind}). */
  public CommandKind kind() {
    return headers.kind();
  }

  /** The W3C trace context of the saga ({@code traceparent}), to join its trace. */
  public Optional<String> traceparent() {
    return headers.traceparent();
  }

  /** Where the reply goes ({@code saga_reply_topic}). */
  public String replyTopic() {
    return headers.replyTopic();
  }

  /** The command's full Avro record name, as written. */
  public String commandType() {
    return commandType;
  }

  /**
   * The {@code StepReply} the kit writes for {@code reply}: for a ledger kept in the service's
   * database, stored by the handler in the transaction of its business change.
   *
   * @throws IllegalArgumentException for {@link Reply#none()}
   */
  public StepReply stepReply(Reply reply) {
    return encoder.stepReply(this, reply);
  }

  /**
   * Low-level: the record, value and headers, the kit would write for {@code reply}. For tools that
   * send it themselves (late, or twice).
   */
  public ProducerRecord<String, byte[]> replyRecord(Reply reply) {
    return encoder.record(this, stepReply(reply));
  }

  /**
   * Low-level: writes {@code record} as it is, with this command's batch: before its offset is
   * committed, or in the same transaction in {@link DeliveryMode#TRANSACTIONAL}. For simulations
   * that answer wrongly on purpose; nothing checks or records it.
   */
  public void sendRaw(ProducerRecord<String, byte[]> record) {
    extras.accept(Objects.requireNonNull(record, "record"));
  }

  CommandHeaders headers() {
    return headers;
  }

  @Override
  public String toString() {
    return commandType
        + " "
        + headers.kind()
        + " of step '"
        + headers.step()
        + "' attempt "
        + headers.attempt()
        + " of saga '"
        + headers.sagaId()
        + "' (command "
        + headers.commandId()
        + ")";
  }
}

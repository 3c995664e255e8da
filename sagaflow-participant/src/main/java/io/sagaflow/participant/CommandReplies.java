package io.sagaflow.participant;

import io.sagaflow.serde.SchemaRegistry;
import java.time.Clock;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * The kit's correlation and reply building for a bridge that reads commands itself instead of
 * through {@link Participant} (the Kafka Connect HTTP connector): the same header checks, the same
 * {@code StepReply} fields and headers, so a command answered by a bridge and one answered by a kit
 * service look alike to the processor and to any reader of {@code saga.replies}.
 */
public final class CommandReplies {
  private final ReplyEncoder encoder;

  private CommandReplies(ReplyEncoder encoder) {
    this.encoder = encoder;
  }

  /**
   * Replies sent as {@code source} ({@code ce_source}), results resolved in {@code registry}.
   * Without {@code autoRegister} a result schema must be registered already, as in production.
   */
  public static CommandReplies create(
      String source, SchemaRegistry registry, boolean autoRegister, Clock clock) {
    return new CommandReplies(
        ReplyEncoder.create(
            Objects.requireNonNull(source, "source"),
            registry,
            autoRegister,
            CommandReplies.class.getClassLoader(),
            clock));
  }

  /**
   * The correlation of the command keyed {@code key} with {@code headers}, of Avro record type
   * {@code commandType}; its {@link CommandContext#replyRecord} is the reply to write. {@link
   * CommandContext#sendRaw} is not available: a bridge writes the records itself.
   *
   * @throws IllegalArgumentException naming the header that is missing or malformed
   */
  public CommandContext context(String key, Headers headers, String commandType) {
    CommandHeaders correlation;
    try {
      correlation = CommandHeaders.read(key, headers);
    } catch (PoisonCommandException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new CommandContext(
        correlation,
        commandType,
        encoder,
        record -> {
          throw new UnsupportedOperationException(
              "a bridge writes its records itself; sendRaw belongs to the kit's own loop");
        });
  }
}

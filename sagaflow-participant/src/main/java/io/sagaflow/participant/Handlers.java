package io.sagaflow.participant;

import io.sagaflow.engine.CommandKind;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/** The handlers of a participant, by command kind and payload class. */
final class Handlers {
  private final Map<Class<?>, CommandHandler<SpecificRecord>> actions;
  private final Map<Class<?>, CommandHandler<SpecificRecord>> compensations;
  private final Optional<CommandHandler<SpecificRecord>> any;

  Handlers(
      Map<Class<?>, CommandHandler<SpecificRecord>> actions,
      Map<Class<?>, CommandHandler<SpecificRecord>> compensations,
      Optional<CommandHandler<SpecificRecord>> any) {
    this.actions = Map.copyOf(actions);
    this.compensations = Map.copyOf(compensations);
    this.any = any;
  }

  /**
   * The handler of {@code payload} as a {@code kind}.
   *
   * @throws PoisonCommandException when none is registered
   */
  CommandHandler<SpecificRecord> of(CommandKind kind, SpecificRecord payload) {
    Map<Class<?>, CommandHandler<SpecificRecord>> byType =
        kind == CommandKind.ACTION ? actions : compensations;
    CommandHandler<SpecificRecord> handler = byType.get(payload.getClass());
    if (handler != null) {
      return handler;
    }
    return any.orElseThrow(
        () ->
            PoisonCommandException.invalid(
                "no handler for a "
                    + kind
                    + " of type "
                    + payload.getSchema().getFullName()
                    + "; this participant handles actions "
                    + names(actions)
                    + " and compensations "
                    + names(compensations)));
  }

  private static String names(Map<Class<?>, ?> handlers) {
    return handlers.keySet().stream().map(Class::getName).sorted().toList().toString();
  }
}

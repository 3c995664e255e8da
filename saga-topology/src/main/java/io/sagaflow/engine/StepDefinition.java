package io.sagaflow.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One step of a saga: which participant topic it commands, how it builds its command and its
 * compensation from the saga data, how it maps the reply, and how it times out and retries.
 *
 * <p>The engine treats commands as opaque objects; the topology serialises them. Build steps with
 * {@link SagaDefinition.Builder#step} or {@link #builder}; {@link SagaDefinition.Builder#build}
 * checks them against each other (kinds in order, names unique).
 *
 * @param <D> saga data type
 * @param name unique within the saga; appears in command ids, timers, events and metrics
 * @param commandTopic topic of the participant that executes the action
 * @param kind compensatable, pivot or retriable
 * @param action builds the action command from the current saga data
 * @param compensation builds the compensating command; present exactly for compensatable steps
 * @param compensationTopic where compensations go; the command topic when absent
 * @param onSuccess maps a successful reply's result onto the data; absent keeps the data as is
 * @param timeout how long one attempt (action or compensation) may wait for its reply
 * @param retryPolicy retries of the action; required for retriable steps, one attempt otherwise
 * @param compensationRetryPolicy retries of the compensation before the saga is parked as STUCK
 */
public record StepDefinition<D>(
    String name,
    String commandTopic,
    StepKind kind,
    Function<D, Object> action,
    Optional<Function<D, Object>> compensation,
    Optional<String> compensationTopic,
    Optional<ReplyMapping<D, ?>> onSuccess,
    Duration timeout,
    Optional<RetryPolicy> retryPolicy,
    RetryPolicy compensationRetryPolicy) {

  /** Timeout of a step that does not set one. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Rejects missing parts; semantic checks that name the step live in the saga builder. */
  public StepDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(commandTopic, "commandTopic");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(action, "action of step '" + name + "'");
    Objects.requireNonNull(compensation, "compensation");
    Objects.requireNonNull(compensationTopic, "compensationTopic");
    Objects.requireNonNull(onSuccess, "onSuccess");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    Objects.requireNonNull(compensationRetryPolicy, "compensationRetryPolicy");
  }

  /** A builder for a step outside a saga builder (for reuse across versions). */
  public static <D> Builder<D> builder(String name, String commandTopic, StepKind kind) {
    return new Builder<>(name, commandTopic, kind);
  }

  /** The action's retry policy, {@link RetryPolicy#none()} when none is set. */
  public RetryPolicy effectiveRetryPolicy() {
    return retryPolicy.orElse(RetryPolicy.none());
  }

  /** The topic compensations are sent to. */
  public String effectiveCompensationTopic() {
    return compensationTopic.orElse(commandTopic);
  }

  /** Fluent builder of one step. Not thread-safe; build once and share the result. */
  public static final class Builder<D> {
    private final String name;
    private final String commandTopic;
    private final StepKind kind;
    private Optional<Function<D, Object>> action = Optional.empty();
    private Optional<Function<D, Object>> compensation = Optional.empty();
    private Optional<String> compensationTopic = Optional.empty();
    private Optional<ReplyMapping<D, ?>> onSuccess = Optional.empty();
    private Duration timeout = DEFAULT_TIMEOUT;
    private Optional<RetryPolicy> retryPolicy = Optional.empty();
    private RetryPolicy compensationRetryPolicy = RetryPolicy.defaultCompensation();

    Builder(String name, String commandTopic, StepKind kind) {
      this.name = Objects.requireNonNull(name, "step name");
      this.commandTopic = Objects.requireNonNull(commandTopic, "commandTopic of step " + name);
      this.kind = Objects.requireNonNull(kind, "kind of step " + name);
    }

    /** Builds the action command from the saga data (required). */
    public Builder<D> action(Function<D, Object> commandFactory) {
      this.action = Optional.of(commandFactory);
      return this;
    }

    /** Builds the compensating command (required for, and only allowed on, compensatable steps). */
    public Builder<D> compensation(Function<D, Object> commandFactory) {
      this.compensation = Optional.of(commandFactory);
      return this;
    }

    /** Sends compensations to this topic instead of the command topic. */
    public Builder<D> compensationTopic(String topic) {
      this.compensationTopic = Optional.of(topic);
      return this;
    }

    /** Maps a successful reply carrying a result of type {@code resultType} onto the data. */
    public <R> Builder<D> onSuccess(Class<R> resultType, BiFunction<D, R, D> mapper) {
      this.onSuccess = Optional.of(new ReplyMapping<>(resultType, mapper));
      return this;
    }

    /** How long one attempt may wait for its reply; must be positive. */
    public Builder<D> timeout(Duration attemptTimeout) {
      this.timeout = Objects.requireNonNull(attemptTimeout, "timeout of step " + name);
      return this;
    }

    /** Retries of the action. */
    public Builder<D> retry(RetryPolicy policy) {
      this.retryPolicy = Optional.of(policy);
      return this;
    }

    /** Retries of the compensation; {@link RetryPolicy#defaultCompensation()} otherwise. */
    public Builder<D> compensationRetry(RetryPolicy policy) {
      this.compensationRetryPolicy = Objects.requireNonNull(policy, "compensationRetry");
      return this;
    }

    /** The step; fails when no action was given. */
    public StepDefinition<D> build() {
      Function<D, Object> actionFactory =
          action.orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "step '" + name + "' has no action: call action(data -> command)"));
      return new StepDefinition<>(
          name,
          commandTopic,
          kind,
          actionFactory,
          compensation,
          compensationTopic,
          onSuccess,
          timeout,
          retryPolicy,
          compensationRetryPolicy);
    }
  }
}

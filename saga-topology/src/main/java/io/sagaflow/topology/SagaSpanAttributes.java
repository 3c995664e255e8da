package io.sagaflow.topology;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The one naming scheme of span attributes Sagaflow sets, on the processor's spans and the
 * participant kit's alike (catalogue in docs/observability.md, "Traces"). None of them ever holds
 * saga data: data fields may be tagged {@code pii} or {@code secret}, ids and step names are not.
 */
public final class SagaSpanAttributes {
  /** The saga id. */
  public static final AttributeKey<String> SAGA_ID = AttributeKey.stringKey("saga.id");

  /** The saga type. */
  public static final AttributeKey<String> SAGA_TYPE = AttributeKey.stringKey("saga.type");

  /** The definition version the saga runs on. */
  public static final AttributeKey<Long> SAGA_VERSION =
      AttributeKey.longKey("saga.definition_version");

  /** What the decision was about: START, REPLY, TIMER, CANCEL or OPERATOR. */
  public static final AttributeKey<String> SAGA_INPUT = AttributeKey.stringKey("saga.input");

  /** The step concerned. */
  public static final AttributeKey<String> SAGA_STEP = AttributeKey.stringKey("saga.step");

  /** The action or compensation attempt concerned, from 1. */
  public static final AttributeKey<Long> SAGA_ATTEMPT = AttributeKey.longKey("saga.attempt");

  /** The command id ({@code ce_id} of the command). */
  public static final AttributeKey<String> SAGA_COMMAND_ID =
      AttributeKey.stringKey("saga.command_id");

  /** ACTION or COMPENSATION. */
  public static final AttributeKey<String> SAGA_COMMAND_KIND =
      AttributeKey.stringKey("saga.command_kind");

  /** True on the spans of compensations, so a trace view can filter them. */
  public static final AttributeKey<Boolean> SAGA_COMPENSATION =
      AttributeKey.booleanKey("saga.compensation");

  /** How a command ended: SUCCEEDED, BUSINESS_FAILURE, RETRIABLE_FAILURE or TIMED_OUT. */
  public static final AttributeKey<String> SAGA_OUTCOME = AttributeKey.stringKey("saga.outcome");

  /** The error code of a failed command's reply. */
  public static final AttributeKey<String> SAGA_ERROR_CODE =
      AttributeKey.stringKey("saga.error_code");

  /** The kind of a fired timer. */
  public static final AttributeKey<String> SAGA_TIMER_KIND =
      AttributeKey.stringKey("saga.timer_kind");

  /** The operator action of an operator command. */
  public static final AttributeKey<String> SAGA_OPERATOR_ACTION =
      AttributeKey.stringKey("saga.operator_action");

  /** How the engine classified the input (APPLIED, DUPLICATE, STALE_ATTEMPT, ...). */
  public static final AttributeKey<String> SAGA_VERDICT = AttributeKey.stringKey("saga.verdict");

  /** The saga's status after the decision. */
  public static final AttributeKey<String> SAGA_STATUS = AttributeKey.stringKey("saga.status");

  /** The topic a command was sent to (OpenTelemetry's messaging convention). */
  public static final AttributeKey<String> MESSAGING_DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");

  /** The class of the exception that failed a decision; never its message, which may quote data. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private SagaSpanAttributes() {}
}

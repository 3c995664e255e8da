package io.sagaflow.topology;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.RolloutEvent;
import io.sagaflow.contract.RolloutRequest;
import java.util.List;

/**
 * The topics of rollouts, all keyed by saga type. Operators write requests; only the rollout
 * controller writes the state and the hook topic; every processor instance reads the state.
 */
public final class RolloutTopics {
  /** Operators' START, PROMOTE and ROLLBACK requests. */
  public static final String REQUESTS = "saga.rollout.requests";

  /** The rollout of each saga type, compacted: the latest record per type is the state. */
  public static final String ROLLOUTS = "saga.rollouts";

  /** The hook topic: started, promoted, rolled back, rejected. */
  public static final String EVENTS = "saga.rollout.events";

  /**
   * Lifecycle events of sagas of types under an active rollout, re-keyed by saga type so that one
   * controller task sees every saga of the type. A repartition topic the processor owns; created
   * with as many partitions as {@link #REQUESTS}, since both feed the same task.
   */
  public static final String OBSERVATIONS = "saga.rollout.observations";

  /** Every rollout topic, for provisioning. */
  public static final List<String> ALL = List.of(REQUESTS, ROLLOUTS, EVENTS, OBSERVATIONS);

  /** saga.rollout.requests: one record type. */
  public static final SagaTopic<RolloutRequest> REQUEST_RECORDS =
      SagaTopic.oneType(REQUESTS, RolloutRequest.class);

  /** saga.rollouts: one record type. */
  public static final SagaTopic<Rollout> ROLLOUT_RECORDS =
      SagaTopic.oneType(ROLLOUTS, Rollout.class);

  /** saga.rollout.events: one record type. */
  public static final SagaTopic<RolloutEvent> EVENT_RECORDS =
      SagaTopic.oneType(EVENTS, RolloutEvent.class);

  private RolloutTopics() {}
}

package io.sagaflow.engine;

/** Why a timer exists; each kind is scheduled and handled by one rule of the engine. */
public enum TimerKind {
  /** An action attempt got no reply in time: counts as a failed attempt whose effect is unknown. */
  STEP_TIMEOUT,
  /** The back-off after a failed action attempt is over: send the next attempt. */
  RETRY_DUE,
  /** A compensation attempt got no reply in time: retry it or park the saga as STUCK. */
  COMPENSATION_TIMEOUT,
  /** The back-off after a failed compensation attempt is over: send the next attempt. */
  COMPENSATION_RETRY_DUE,
  /** The saga's deadline passed before its pivot was sent: behaves like a cancel. */
  DEADLINE
}

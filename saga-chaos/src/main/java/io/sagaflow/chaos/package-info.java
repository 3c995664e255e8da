/**
 * Proof under faults: the {@link io.sagaflow.chaos.Verifier} reads every saga topic read_committed
 * after a run and checks that nothing was lost, duplicated or left open, and that every saga ended
 * as the seed predicts. See docs/reliability.md.
 */
package io.sagaflow.chaos;

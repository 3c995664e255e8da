/**
 * Proof under faults: the {@link io.sagaflow.chaos.ChaosRunner} runs broker, registry, saga
 * processors and simulated participants as separate processes and kills them while a seeded
 * workload runs; the {@link io.sagaflow.chaos.Verifier} then reads every saga topic read_committed
 * and checks that nothing was lost, duplicated or left open, and that every saga ended as the seed
 * predicts. See docs/reliability.md.
 */
package io.sagaflow.chaos;

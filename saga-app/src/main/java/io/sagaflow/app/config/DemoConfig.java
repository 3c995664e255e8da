package io.sagaflow.app.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The seeded demo workload: how many order sagas to start and how long to wait for them.
 *
 * @param enabled whether this instance drives the demo workload
 * @param sagas how many sagas to start of each saga type whose module has demo data
 * @param timeout how long {@code run --exit} waits for every saga to end before giving up
 * @param runId prefix of this run's saga ids; absent picks a new one per run, so a second run on
 *     the same data never collides with the sagas of the first
 */
public record DemoConfig(boolean enabled, int sagas, Duration timeout, Optional<String> runId) {}

package io.sagaflow.app.config;

import java.time.Duration;

/**
 * When the processor counts as crash-looping: more than {@code threadReplacementsMax} stream
 * threads replaced within {@code threadReplacementsWindow} make {@code /health/ready} answer 503.
 *
 * @param threadReplacementsMax replacements tolerated within the window
 * @param threadReplacementsWindow how far back replacements count
 */
public record HealthConfig(int threadReplacementsMax, Duration threadReplacementsWindow) {}

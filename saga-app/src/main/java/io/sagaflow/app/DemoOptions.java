package io.sagaflow.app;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Shorthands for the demo workload and the simulated participants; each sets one {@code
 * saga.demo.*} or {@code saga.participants.*} setting.
 */
final class DemoOptions {
  @Option(
      names = "--sagas",
      description = "Sagas the demo starts per saga type that has demo data (saga.demo.sagas).")
  Integer sagas;

  @Option(
      names = "--decline-rate",
      description =
          "Share of the actions of each participant's declinable step refused for a business"
              + " reason, 0 to 1 (saga.participants.decline.rate).")
  String declineRate;

  @Option(
      names = "--retriable-failure-rate",
      description =
          "Share of commands failing transiently (saga.participants.retriable.failure.rate).")
  String retriableFailureRate;

  @Option(
      names = "--silence-rate",
      description = "Share of commands never answered (saga.participants.silence.rate).")
  String silenceRate;

  @Option(
      names = "--latency-ms",
      description = "Participants' reply latency in ms (saga.participants.latency.ms).")
  Long latencyMs;

  @Option(names = "--seed", description = "Simulation seed (saga.participants.seed).")
  Long seed;

  @Option(names = "--run-id", description = "Prefix of the demo's saga ids (saga.demo.run.id).")
  String runId;

  @Option(
      names = "--disable-participant",
      split = ",",
      paramLabel = "NAME",
      description =
          "A simulated participant not to run, by name; repeatable or comma-separated"
              + " (saga.participants.disabled).")
  java.util.List<String> disabledParticipants;

  @Option(
      names = "--no-demo",
      description = "Do not drive the demo workload (saga.demo.enabled=false).")
  boolean noDemo;

  Map<String, String> overrides() {
    Map<String, String> result = new LinkedHashMap<>();
    put(result, "saga.demo.sagas", sagas);
    put(result, "saga.participants.decline.rate", declineRate);
    put(result, "saga.participants.retriable.failure.rate", retriableFailureRate);
    put(result, "saga.participants.silence.rate", silenceRate);
    put(result, "saga.participants.latency.ms", latencyMs);
    put(result, "saga.participants.seed", seed);
    put(result, "saga.demo.run.id", runId);
    if (disabledParticipants != null && !disabledParticipants.isEmpty()) {
      result.put("saga.participants.disabled", String.join(",", disabledParticipants));
    }
    if (noDemo) {
      result.put("saga.demo.enabled", "false");
    }
    return result;
  }

  private static void put(Map<String, String> target, String key, Object value) {
    if (value != null) {
      target.put(key, value.toString());
    }
  }
}

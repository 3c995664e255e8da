package io.sagaflow.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of a readiness answer that describe faults: their JSON sections and their sentences.
 */
final class HealthReport {
  private HealthReport() {}

  /** {@code streamThreadReplacements}: the window's count, its bounds, the total and the last. */
  static Map<String, Object> replacements(StreamThreadReplacements.Snapshot snapshot) {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("inWindow", snapshot.inWindow());
    section.put("max", snapshot.max());
    section.put("window", snapshot.window().toString());
    section.put("total", snapshot.total());
    snapshot
        .last()
        .ifPresent(
            last -> {
              Map<String, Object> failure = new LinkedHashMap<>();
              failure.put("at", last.at().toString());
              failure.put("exception", last.failure().exception());
              last.failure().message().ifPresent(m -> failure.put("message", m));
              last.failure().rootCause().ifPresent(c -> failure.put("rootCause", c));
              section.put("last", failure);
            });
    return section;
  }

  /** {@code participants}: each name, sorted, with its status and, when failed, the reason. */
  static Map<String, Object> participants(List<ParticipantHealth> participants) {
    Map<String, Object> section = new TreeMap<>();
    for (ParticipantHealth participant : participants) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("status", participant.status().name());
      participant.reason().ifPresent(r -> entry.put("reason", r));
      section.put(participant.name(), entry);
    }
    return section;
  }

  static String crashLoop(StreamThreadReplacements.Snapshot snapshot) {
    String last =
        snapshot
            .last()
            .map(r -> " The last, at " + r.at() + ", died of " + r.failure().oneLine() + ".")
            .orElse("");
    return "Stream threads keep dying: "
        + snapshot.inWindow()
        + " were replaced in the last "
        + seconds(snapshot.window())
        + ", more than the "
        + snapshot.max()
        + " tolerated: most likely one record fails on every retry."
        + last
        + " The log has each exception in full; ready again once no more than "
        + snapshot.max()
        + " replacements fall within "
        + seconds(snapshot.window())
        + ".";
  }

  static String failed(ParticipantHealth participant) {
    return "Participant "
        + participant.name()
        + " has stopped ("
        + participant.reason().orElse("no reason recorded")
        + "): its commands wait unanswered until the instance is restarted.";
  }

  private static String seconds(Duration window) {
    return window.toMillis() % 1000 == 0 ? window.toSeconds() + " s" : window.toMillis() + " ms";
  }
}

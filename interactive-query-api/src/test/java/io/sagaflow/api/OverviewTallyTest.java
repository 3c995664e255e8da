package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.contract.TransitionRecord;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OverviewTallyTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:30Z");

  @Test
  void shouldCountStatusesMinutesLatenciesAndTheOldestAcrossParts() {
    // Given a saga that completed 5 minutes ago after a 200 ms step, one STUCK for 20 minutes on a
    // failed step, and one running since 2 hours ago, in two parts
    SagaStateRecord completed =
        saga(
            "a",
            "COMPLETED",
            NOW.minus(Duration.ofMinutes(6)),
            "SUCCEEDED",
            200,
            transition("RUNNING", "COMPLETED", NOW.minus(Duration.ofMinutes(5))));
    SagaStateRecord stuck =
        saga(
            "b",
            "STUCK",
            NOW.minus(Duration.ofMinutes(30)),
            "FAILED",
            1000,
            transition("RUNNING", "STUCK", NOW.minus(Duration.ofMinutes(20))));
    SagaStateRecord running =
        saga("c", "RUNNING", NOW.minus(Duration.ofHours(2)), "AWAITING_REPLY", -1);
    OverviewTally one = OverviewTally.of(List.of(completed, stuck), NOW, Set.of(0));
    OverviewTally two = OverviewTally.of(List.of(running), NOW, Set.of(1));

    // When the parts are added up
    OverviewTally all = OverviewTally.merge(List.of(one, two), one.firstMinute());

    // Then every saga counts once under its status, the hour's starts and ends land in their
    // minutes, live step counts leave ended sagas out, and the oldest lists are ordered
    assertThat(all.counts())
        .containsEntry("t|1|COMPLETED", 1L)
        .containsEntry("t|1|STUCK", 1L)
        .containsEntry("t|1|RUNNING", 1L);
    assertThat(all.series())
        .containsEntry("started|" + 53, 1L)
        .containsEntry("started|" + 29, 1L)
        .containsEntry("completed|" + 54, 1L)
        .hasSize(3);
    assertThat(all.steps())
        .containsEntry("t|1|s|succeeded", 1L)
        .containsEntry("t|1|s|failed", 1L)
        .containsEntry("t|1|s|waiting", 1L);
    long p50 = all.latencyQuantile(54, 0.5);
    assertThat(p50).isBetween(176L, 224L);
    assertThat(all.latencyQuantile(3, 0.5)).isEqualTo(-1);
    assertThat(all.stuck()).extracting(OverviewTally.Oldest::sagaId).containsExactly("b");
    assertThat(all.running()).extracting(OverviewTally.Oldest::sagaId).containsExactly("c");
    assertThat(all.partitions()).containsExactlyInAnyOrder(0, 1);
  }

  private static TransitionRecord transition(String from, String to, Instant at) {
    return TransitionRecord.newBuilder().setFrom(from).setTo(to).setAt(at).setCause("test").build();
  }

  private static SagaStateRecord saga(
      String id,
      String status,
      Instant created,
      String stepStatus,
      long stepMillis,
      TransitionRecord... history) {
    StepStateRecord.Builder step =
        StepStateRecord.newBuilder()
            .setName("s")
            .setStatus(stepStatus)
            .setAttempt(1)
            .setCompensationAttempt(0)
            .setMayHaveApplied(false);
    if (stepMillis >= 0) {
      Instant end = history.length > 0 ? history[0].getAt() : NOW;
      step.setStartedAt(end.minusMillis(stepMillis)).setFinishedAt(end);
    }
    return SagaStateRecord.newBuilder()
        .setStateVersion(1)
        .setSagaId(id)
        .setSagaType("t")
        .setDefinitionVersion(1)
        .setStatus(status)
        .setData(ByteBuffer.wrap(new byte[0]))
        .setSteps(List.of(step.build()))
        .setTimers(List.of())
        .setHistory(List.of(history))
        .setCreatedAt(created)
        .setUpdatedAt(created)
        .build();
  }
}

package io.sagaflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.chaos.FaultPlan.Counts;
import io.sagaflow.chaos.FaultPlan.Fault;
import io.sagaflow.chaos.FaultPlan.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
  private static final Duration MIN = Duration.ofSeconds(4);
  private static final Duration MAX = Duration.ofSeconds(10);
  private static final Duration ZOMBIE = Duration.ofSeconds(55);
  private static final Counts FULL = new Counts(20, 3, 3, 1, true);

  @Test
  void shouldDrawTheSamePlanFromTheSameSeed() {
    assertThat(FaultPlan.draw(7, FULL, MIN, MAX, ZOMBIE))
        .isEqualTo(FaultPlan.draw(7, FULL, MIN, MAX, ZOMBIE));
  }

  @Test
  void shouldDrawAnotherPlanFromAnotherSeed() {
    assertThat(FaultPlan.draw(7, FULL, MIN, MAX, ZOMBIE))
        .isNotEqualTo(FaultPlan.draw(8, FULL, MIN, MAX, ZOMBIE));
  }

  @Test
  void shouldHoldEveryFaultAskedForWithPausesInBounds() {
    FaultPlan plan = FaultPlan.draw(42, FULL, MIN, MAX, ZOMBIE);

    assertThat(plan.faults()).hasSize(31);
    assertThat(plan.count(Kind.PROCESSOR_KILL)).isEqualTo(20);
    assertThat(plan.count(Kind.BROKER_RESTART)).isEqualTo(3);
    assertThat(plan.count(Kind.PARTICIPANTS_KILL)).isEqualTo(3);
    assertThat(plan.count(Kind.ZOMBIE)).isEqualTo(1);
    assertThat(plan.faults())
        .extracting(Fault::number)
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 31).boxed().toList());
    assertThat(plan.faults())
        .allSatisfy(
            f -> {
              assertThat(f.before()).isBetween(MIN, MAX);
              assertThat(f.target()).isNotNegative();
            });
    assertThat(plan.faults())
        .filteredOn(f -> f.kind() == Kind.ZOMBIE)
        .singleElement()
        .satisfies(f -> assertThat(f.downtime()).isEqualTo(ZOMBIE));
  }

  @Test
  void shouldScaleOutTwiceBeforeScalingInTwice() {
    FaultPlan plan = FaultPlan.draw(42, FULL, MIN, MAX, ZOMBIE);

    assertThat(plan.faults())
        .extracting(Fault::kind)
        .filteredOn(k -> k == Kind.SCALE_OUT || k == Kind.SCALE_IN)
        .containsExactly(Kind.SCALE_OUT, Kind.SCALE_OUT, Kind.SCALE_IN, Kind.SCALE_IN);
    assertThat(plan.faults().get(0).kind()).isNotEqualTo(Kind.SCALE_IN);
  }

  @Test
  void shouldFreezeAZombieWhileTheMostProcessorsRun() {
    FaultPlan plan = FaultPlan.draw(42, FULL, MIN, MAX, ZOMBIE);

    assertThat(plan.faults())
        .extracting(Fault::kind)
        .filteredOn(k -> k != Kind.PROCESSOR_KILL && k != Kind.BROKER_RESTART)
        .filteredOn(k -> k != Kind.PARTICIPANTS_KILL)
        .containsExactly(Kind.SCALE_OUT, Kind.SCALE_OUT, Kind.ZOMBIE, Kind.SCALE_IN, Kind.SCALE_IN);
  }

  @Test
  void shouldScaleEvenWithoutOtherFaults() {
    FaultPlan plan = FaultPlan.draw(1, new Counts(0, 0, 0, 0, true), MIN, MAX, ZOMBIE);

    assertThat(plan.faults())
        .extracting(Fault::kind)
        .containsExactly(Kind.SCALE_OUT, Kind.SCALE_OUT, Kind.SCALE_IN, Kind.SCALE_IN);
  }
}

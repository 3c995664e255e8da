package io.sagaflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.engine.Fixtures.Order;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties over generated definitions (sequences and parallel groups, kinds in legal order,
 * random retry limits) and generated histories (successes, failures, retriable failures, timeouts,
 * duplicates, stale replies, reordering, cancels, operator commands).
 */
class EnginePropertiesTest {

  @Property(tries = 400)
  void shouldEndInOneTerminalStatusOrStuckWithAReason(
      @ForAll("definitions") SagaDefinition<Order> def,
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    SagaSimulation sim = SagaSimulation.run(def, choices);

    SagaState<Order> end = sim.state();
    Statistics.collect(end.status());
    if (end.status() == SagaStatus.STUCK) {
      assertThat(end.stuckReason()).hasValueSatisfying(r -> assertThat(r).isNotBlank());
    } else {
      assertThat(end.status().isTerminal()).as("status %s", end.status()).isTrue();
      assertThat(end.pendingTimers()).isEmpty();
      assertThat(end.history().stream().filter(t -> t.to().isTerminal())).hasSize(1);
    }
  }

  @Property(tries = 400)
  void shouldCompensateOnlyCompletedCompensatableStepsInReverseOrderPerBranch(
      @ForAll("definitions") SagaDefinition<Order> def,
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    SagaSimulation sim = SagaSimulation.run(def, choices);

    Map<String, Integer> firstCompensation = new HashMap<>();
    boolean compensating = false;
    for (int i = 0; i < sim.commands.size(); i++) {
      Outbound.Command command = sim.commands.get(i);
      if (command.kind() == CommandKind.ACTION) {
        assertThat(compensating).as("action %s after a compensation", command.step()).isFalse();
        continue;
      }
      compensating = true;
      int index = def.indexOf(command.step()).orElseThrow();
      assertThat(def.steps().get(index).kind()).isEqualTo(StepKind.COMPENSATABLE);
      assertThat(sim.possiblyApplied.subList(0, sim.appliedCountAtCommand.get(i)))
          .as("compensated %s before it completed or timed out", command.step())
          .contains(command.step());
      firstCompensation.putIfAbsent(command.step(), i);
    }
    for (String later : firstCompensation.keySet()) {
      for (String earlier : firstCompensation.keySet()) {
        int laterStage = def.stageOf(def.indexOf(later).orElseThrow());
        int earlierStage = def.stageOf(def.indexOf(earlier).orElseThrow());
        if (earlierStage < laterStage) {
          assertThat(firstCompensation.get(earlier))
              .as(
                  "%s (stage %d) compensated before %s (stage %d)",
                  earlier, earlierStage, later, laterStage)
              .isGreaterThan(firstCompensation.get(later));
        }
      }
    }
  }

  @Property(tries = 400)
  void shouldNeverRepeatACommandId(
      @ForAll("definitions") SagaDefinition<Order> def,
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    SagaSimulation sim = SagaSimulation.run(def, choices);

    Set<UUID> ids = new HashSet<>();
    for (Outbound.Command command : sim.commands) {
      assertThat(ids.add(command.commandId())).as("repeated %s", command).isTrue();
      assertThat(command.commandId())
          .isEqualTo(
              Ids.commandId(
                  SagaSimulation.SAGA, command.step(), command.attempt(), command.kind()));
    }
  }

  @Property(tries = 300)
  void shouldGiveIdenticalDecisionsWhenTheSameHistoryIsReplayed(
      @ForAll("definitions") SagaDefinition<Order> def,
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    SagaSimulation sim = SagaSimulation.run(def, choices);

    List<Decision<Order>> replayed = sim.replay();

    assertThat(replayed).isEqualTo(sim.decisions);
    assertThat(replayed.stream().map(Decision::canonical).toList())
        .isEqualTo(sim.decisions.stream().map(Decision::canonical).toList());
  }

  @Property(tries = 300)
  void shouldApplyEachReplyAtMostOnce(
      @ForAll("definitions") SagaDefinition<Order> def,
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    SagaSimulation sim = SagaSimulation.run(def, choices);

    Set<UUID> applied = new HashSet<>();
    for (int i = 0; i < sim.inputs.size(); i++) {
      if (sim.inputs.get(i) instanceof SagaInput.StepReply reply
          && sim.decisions.get(i).verdict() == InputVerdict.APPLIED) {
        assertThat(applied.add(reply.commandId())).as("applied twice: %s", reply).isTrue();
      }
      if (sim.decisions.get(i).verdict() != InputVerdict.APPLIED) {
        assertThat(sim.decisions.get(i).nextState()).isEmpty();
        assertThat(sim.decisions.get(i).outbound()).isEmpty();
        assertThat(sim.decisions.get(i).reason()).isPresent();
      }
    }
  }

  @Provide
  Arbitrary<SagaDefinition<Order>> definitions() {
    Arbitrary<List<Integer>> compensatableStages =
        Arbitraries.integers().between(1, 3).list().ofMaxSize(3);
    Arbitrary<List<Integer>> retriableStages =
        Arbitraries.integers().between(1, 2).list().ofMaxSize(2);
    return Combinators.combine(
            compensatableStages,
            Arbitraries.of(true, false),
            retriableStages,
            Arbitraries.integers().between(1, 3),
            Arbitraries.of(true, false))
        .as(EnginePropertiesTest::definition)
        .filter(d -> d.isPresent())
        .map(d -> d.orElseThrow());
  }

  private static java.util.Optional<SagaDefinition<Order>> definition(
      List<Integer> compensatable,
      boolean pivot,
      List<Integer> retriable,
      int attempts,
      boolean deadline) {
    if (compensatable.isEmpty() && !pivot && retriable.isEmpty()) {
      return java.util.Optional.empty();
    }
    RetryPolicy policy =
        RetryPolicy.exponential(attempts, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(8))
            .withJitter(0.3)
            .withNonRetriableCodes("FATAL");
    RetryPolicy compensationPolicy =
        RetryPolicy.exponential(attempts, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(8))
            .withJitter(0.3);
    SagaDefinition.Builder<Order> builder = SagaDefinition.builder("generated", 1, Order.class);
    int[] counter = {0};
    for (int size : compensatable) {
      addStage(builder, size, StepKind.COMPENSATABLE, counter, policy, compensationPolicy);
    }
    if (pivot) {
      addStage(builder, 1, StepKind.PIVOT, counter, policy, compensationPolicy);
    }
    for (int size : retriable) {
      addStage(builder, size, StepKind.RETRIABLE, counter, policy, compensationPolicy);
    }
    if (deadline) {
      builder.deadline(Duration.ofSeconds(25));
    }
    return java.util.Optional.of(builder.build());
  }

  private static void addStage(
      SagaDefinition.Builder<Order> builder,
      int size,
      StepKind kind,
      int[] counter,
      RetryPolicy policy,
      RetryPolicy compensationPolicy) {
    java.util.function.UnaryOperator<StepDefinition.Builder<Order>> config =
        s -> {
          s.action(d -> "do").retry(policy).timeout(Duration.ofSeconds(10));
          return kind == StepKind.COMPENSATABLE
              ? s.compensation(d -> "undo").compensationRetry(compensationPolicy)
              : s;
        };
    if (size == 1) {
      builder.step(kind + "-" + counter[0]++, "t", kind, config);
    } else {
      builder.parallel(
          g -> {
            for (int i = 0; i < size; i++) {
              g.step(kind + "-" + counter[0]++, "t", kind, config);
            }
            return g;
          });
    }
  }
}

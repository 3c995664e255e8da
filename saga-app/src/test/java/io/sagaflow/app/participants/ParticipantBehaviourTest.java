package io.sagaflow.app.participants;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.app.TestModules;
import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.StepKind;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParticipantBehaviourTest {
  private static final ParticipantsConfig CONFIG =
      new ParticipantsConfig(true, 42, Duration.ZERO, 0.1, 0.05, 0.02, Set.of());
  private static final ParticipantsConfig MISBEHAVING =
      new ParticipantsConfig(true, 11, Duration.ZERO, 0.1, 0.05, 0.02, 0.2, 0.15, 0.1, Set.of());

  @Test
  void shouldDecideTheSameForTheSameSeedAndSagaWhateverTheOrder() {
    ParticipantBehaviour payment = payment(CONFIG);
    List<String> sagas = List.of("s-1", "s-2", "s-3", "s-4", "s-5");

    List<Verdict> forward = sagas.stream().map(s -> authorize(payment, s)).toList();
    List<Verdict> backward =
        reverse(reverse(sagas).stream().map(s -> authorize(payment(CONFIG), s)).toList());

    assertThat(forward).isEqualTo(backward);
  }

  @Test
  void shouldDeclineOnlyAuthorizationsAtAboutTheConfiguredRate() {
    ParticipantsConfig declinesOnly =
        new ParticipantsConfig(true, 7, Duration.ZERO, 0.1, 0, 0, Set.of());
    ParticipantBehaviour payment = payment(declinesOnly);
    Map<Verdict, Integer> authorize = new EnumMap<>(Verdict.class);
    Map<Verdict, Integer> capture = new EnumMap<>(Verdict.class);
    for (int i = 0; i < 10_000; i++) {
      String saga = "saga-" + i;
      authorize.merge(authorize(payment, saga), 1, Integer::sum);
      capture.merge(
          payment.decide(saga, "capture-payment", 1, CommandKind.ACTION), 1, Integer::sum);
    }

    assertThat(authorize.get(Verdict.BUSINESS_FAILURE)).isBetween(900, 1100);
    assertThat(capture).containsOnlyKeys(Verdict.SUCCEED);
  }

  @Test
  void shouldDrawDifferentSeedsIndependently() {
    ParticipantsConfig other =
        new ParticipantsConfig(true, 43, Duration.ZERO, 0.1, 0.05, 0.02, Set.of());
    long differing =
        java.util.stream.IntStream.range(0, 1000)
            .filter(i -> authorize(payment(CONFIG), "s" + i) != authorize(payment(other), "s" + i))
            .count();

    assertThat(differing).isPositive();
  }

  @Test
  void shouldAlwaysSucceedCompensations() {
    ParticipantsConfig allFail =
        new ParticipantsConfig(true, 1, Duration.ZERO, 0, 0.5, 0.5, Set.of());
    ParticipantBehaviour payment = payment(allFail);

    assertThat(payment.decide("s", "authorize-payment", 1, CommandKind.COMPENSATION))
        .isEqualTo(Verdict.SUCCEED);
    assertThat(authorize(payment, "s")).isIn(Verdict.RETRIABLE_FAILURE, Verdict.SILENCE);
  }

  @Test
  void shouldMeetTheSameFateOnEveryAttemptAfterTheTransientOnes() {
    ParticipantsConfig flaky =
        new ParticipantsConfig(true, 11, Duration.ZERO, 0.3, 0.3, 0.2, Set.of());
    ParticipantBehaviour payment = payment(flaky);
    Map<Verdict, Integer> fates = new EnumMap<>(Verdict.class);
    int transientFirst = 0;
    for (int i = 0; i < 2_000; i++) {
      String saga = "saga-" + i;
      List<Verdict> attempts =
          java.util.stream.IntStream.rangeClosed(1, 12)
              .mapToObj(a -> payment.decide(saga, "authorize-payment", a, CommandKind.ACTION))
              .toList();
      int firstFinal = 0;
      while (firstFinal < attempts.size() && isTransient(attempts.get(firstFinal))) {
        firstFinal++;
      }
      if (firstFinal > 0) {
        transientFirst++;
      }
      if (firstFinal < attempts.size()) {
        // From the first attempt that is not transient on, a re-sent command meets the same fate.
        Verdict fate = attempts.get(firstFinal);
        assertThat(attempts.subList(firstFinal, attempts.size())).as(saga).containsOnly(fate);
        fates.merge(fate, 1, Integer::sum);
      }
    }

    // Half the first attempts fail transiently; 30% of the fates are declines.
    assertThat(transientFirst).isBetween(900, 1100);
    int decided = fates.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(fates.get(Verdict.BUSINESS_FAILURE) * 100 / decided).isBetween(26, 34);
  }

  @Test
  void shouldNotMisbehaveUnlessTheRatesSaySo() {
    ParticipantBehaviour payment = payment(CONFIG);

    for (int i = 0; i < 2_000; i++) {
      assertThat(payment.misbehaviour("s" + i, "capture-payment", 1, CommandKind.ACTION))
          .isEqualTo(Misbehaviour.NONE);
    }
  }

  @Test
  void shouldMisbehaveOnlyOnFirstActionAttemptsThatMeetTheFateAtTheConfiguredRates() {
    ParticipantBehaviour payment = payment(MISBEHAVING);
    Map<Misbehaviour, Integer> drawn = new EnumMap<>(Misbehaviour.class);
    int eligible = 0;
    for (int i = 0; i < 10_000; i++) {
      String saga = "saga-" + i;
      Verdict first = authorize(payment, saga);
      Misbehaviour misbehaviour =
          payment.misbehaviour(saga, "authorize-payment", 1, CommandKind.ACTION);
      if (first == Verdict.SUCCEED || first == Verdict.BUSINESS_FAILURE) {
        eligible++;
        drawn.merge(misbehaviour, 1, Integer::sum);
      } else {
        assertThat(misbehaviour).as("%s answers %s", saga, first).isEqualTo(Misbehaviour.NONE);
      }
      for (int attempt = 2; attempt <= 4; attempt++) {
        assertThat(payment.misbehaviour(saga, "authorize-payment", attempt, CommandKind.ACTION))
            .isEqualTo(Misbehaviour.NONE);
      }
      assertThat(payment.misbehaviour(saga, "authorize-payment", 1, CommandKind.COMPENSATION))
          .isEqualTo(Misbehaviour.NONE);
    }

    // 0.1 garbage, 0.15 late, 0.2 duplicate of the first attempts that meet their fate.
    assertThat(drawn.get(Misbehaviour.GARBAGE) * 1000 / eligible).isBetween(85, 115);
    assertThat(drawn.get(Misbehaviour.LATE) * 1000 / eligible).isBetween(130, 170);
    assertThat(drawn.get(Misbehaviour.DUPLICATE) * 1000 / eligible).isBetween(180, 220);
  }

  @Test
  void shouldDrawGarbageFromTheGarbageRateAloneAndTheSameOnEveryRun() {
    ParticipantsConfig garbageOnly =
        new ParticipantsConfig(true, 11, Duration.ZERO, 0.1, 0.05, 0.02, 0, 0, 0.1, Set.of());
    ParticipantBehaviour mixed = payment(MISBEHAVING);
    ParticipantBehaviour alone = payment(garbageOnly);

    for (int i = 0; i < 5_000; i++) {
      String saga = "saga-" + i;
      boolean garbage =
          mixed.misbehaviour(saga, "capture-payment", 1, CommandKind.ACTION)
              == Misbehaviour.GARBAGE;
      assertThat(
              alone.misbehaviour(saga, "capture-payment", 1, CommandKind.ACTION)
                  == Misbehaviour.GARBAGE)
          .as(saga)
          .isEqualTo(garbage);
      assertThat(payment(MISBEHAVING).misbehaviour(saga, "capture-payment", 1, CommandKind.ACTION))
          .isEqualTo(mixed.misbehaviour(saga, "capture-payment", 1, CommandKind.ACTION));
    }
  }

  @Test
  void shouldNeverMisbehaveOnAStepThatSomeDefinitionGivesOnlyOneAttempt() {
    // A second saga type sends authorize-payment to the same topic without retries: a command
    // does not say which type sent it, so none of authorize-payment's commands may misbehave.
    SagaModules modules = TestModules.onClassPath();
    SagaRegistry registry =
        modules
            .registry()
            .with(
                SagaDefinition.builder("one-shot", 1, String.class)
                    .step(
                        "authorize-payment",
                        OrderFulfilmentSaga.PAYMENT,
                        StepKind.PIVOT,
                        s -> s.action(d -> d).timeout(Duration.ofSeconds(1)))
                    .build());
    ParticipantBehaviour payment =
        ParticipantBehaviour.of(modules.participants(), registry, MISBEHAVING).stream()
            .filter(p -> p.name().equals("payment"))
            .findFirst()
            .orElseThrow();
    Map<Misbehaviour, Integer> authorize = new EnumMap<>(Misbehaviour.class);
    Map<Misbehaviour, Integer> capture = new EnumMap<>(Misbehaviour.class);
    for (int i = 0; i < 2_000; i++) {
      authorize.merge(
          payment.misbehaviour("s" + i, "authorize-payment", 1, CommandKind.ACTION),
          1,
          Integer::sum);
      capture.merge(
          payment.misbehaviour("s" + i, "capture-payment", 1, CommandKind.ACTION), 1, Integer::sum);
    }

    assertThat(authorize).containsOnlyKeys(Misbehaviour.NONE);
    assertThat(capture).containsKeys(Misbehaviour.GARBAGE, Misbehaviour.LATE);
    // The late reply waits past the longest timeout a definition gives the step.
    assertThat(payment.lateReplyDelay("authorize-payment"))
        .isEqualTo(Duration.ofSeconds(10).plus(ParticipantBehaviour.LATE_MARGIN));
  }

  private static boolean isTransient(Verdict verdict) {
    return verdict == Verdict.RETRIABLE_FAILURE || verdict == Verdict.SILENCE;
  }

  private static ParticipantBehaviour payment(ParticipantsConfig config) {
    return io.sagaflow.app.TestModules.behaviours(config).stream()
        .filter(p -> p.name().equals("payment"))
        .findFirst()
        .orElseThrow();
  }

  private static Verdict authorize(ParticipantBehaviour payment, String sagaId) {
    return payment.decide(sagaId, "authorize-payment", 1, CommandKind.ACTION);
  }

  private static <T> List<T> reverse(List<T> list) {
    List<T> copy = new java.util.ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }
}

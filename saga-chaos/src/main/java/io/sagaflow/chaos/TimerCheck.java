package io.sagaflow.chaos;

import io.sagaflow.chaos.EventLedger.CommittedEvent;
import io.sagaflow.chaos.Violation.Kind;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.Ids;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.StepDefinition;
import io.sagaflow.engine.StepError;
import io.sagaflow.topology.SagaTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * No timer fired for an attempt whose reply was already on saga.replies. Every timeout the
 * committed events record is set against the replies committed for that attempt's command id; what
 * counts as "already there" is in docs/reliability.md, "Timers against replies". The first kind of
 * evidence is a violation; the second only names a suspect, because clocks cannot prove it:
 *
 * <ul>
 *   <li><b>read before</b> (offsets, no clock): the timer's task had already applied an input at or
 *       after the reply's offset on the same saga.replies partition, in a decision committed before
 *       the timeout on the same saga.events partition. Offsets of one partition are the order the
 *       task read its input in, and the offsets of its saga.events partition the order it committed
 *       its decisions in, so the reply had been read when the timer fired.
 *   <li><b>waiting before a late timer</b> (clocks): the reply's record time is more than the
 *       tolerance before the timeout's decision, and that decision is more than the tolerance past
 *       the timer's due time. A running task fires a due timer within a punctuation (200 ms) and
 *       reads a sent reply within a poll or two; a timer that late was held or its task was not
 *       running, and a task that starts processes the replies already waiting before its timers.
 * </ul>
 */
final class TimerCheck {
  private TimerCheck() {}

  /** One timeout the events record. */
  private record Timeout(CommittedEvent event, String step, int attempt, CommandKind kind) {}

  /** An input a replay matched to the first event of its decision. */
  private record Read(InputRecord input, CommittedEvent first) {}

  static void judge(
      Observations seen,
      Map<String, SagaReplay.Result> replays,
      List<String> figures,
      List<Violation> violations,
      Set<String> suspects) {
    List<Read> reads = new ArrayList<>();
    replays
        .values()
        .forEach(
            r ->
                r.applied().stream()
                    .filter(
                        a ->
                            a.input().filter(i -> i.topic().equals(SagaTopics.REPLIES)).isPresent())
                    .forEach(a -> reads.add(new Read(a.input().orElseThrow(), a.first()))));
    Duration tolerance = seen.timerRaceTolerance();
    int action = 0;
    int compensation = 0;
    int answered = 0;
    int readBefore = 0;
    int waiting = 0;
    int raced = 0;
    List<String> waitingLines = new ArrayList<>();
    for (StartedSaga saga : seen.sagas()) {
      List<CommittedEvent> events = seen.events().of(saga.sagaId());
      for (CommittedEvent e : events) {
        Optional<Timeout> found = timeout(e);
        if (found.isEmpty()) {
          continue;
        }
        Timeout t = found.get();
        if (t.kind() == CommandKind.ACTION) {
          action++;
        } else {
          compensation++;
        }
        UUID command = Ids.commandId(saga.sagaId(), t.step(), t.attempt(), t.kind());
        Optional<InputRecord> reply =
            seen.inputs().replies(saga.sagaId()).stream()
                .filter(
                    r ->
                        r.input() instanceof SagaInput.StepReply s && s.commandId().equals(command))
                .findFirst();
        if (reply.isEmpty()) {
          continue;
        }
        answered++;
        InputRecord r = reply.get();
        Instant decided = e.event().getAt();
        String what =
            String.format(
                Locale.ROOT,
                "%s step %s attempt %d (%s) timed out at %s (%s), command %s",
                saga.sagaId(),
                t.step(),
                t.attempt(),
                t.kind(),
                decided,
                e.where(),
                command);
        Optional<Read> before =
            reads.stream()
                .filter(
                    x ->
                        x.input().partition() == r.partition()
                            && x.input().offset() >= r.offset()
                            && x.first().partition() == e.partition()
                            && x.first().offset() < e.offset())
                .findFirst();
        Optional<Instant> due = dueAt(seen, events, t);
        boolean sentEarly = r.timestamp().plus(tolerance).isBefore(decided);
        boolean late = due.filter(d -> d.plus(tolerance).isBefore(decided)).isPresent();
        if (before.isPresent()) {
          readBefore++;
          suspects.add(saga.sagaId());
          violations.add(
              new Violation(
                  Kind.TIMER_BEAT_REPLY,
                  what
                      + ", though its reply "
                      + r.where()
                      + " (sent "
                      + r.timestamp()
                      + ") had been read: "
                      + before.get().input().describe()
                      + " was applied at "
                      + before.get().first().where()
                      + ", before the timeout"));
        } else if (sentEarly && late) {
          waiting++;
          // Not a violation: the record time is when the participant sent the reply, not when it
          // became readable (a send caught by a broker outage is appended after it), and no topic
          // records when the timer's task started. Named so a person reads the saga's record.
          waitingLines.add(
              String.format(
                  Locale.ROOT,
                  "timer suspect: %s, though its reply %s was sent at %s, %d ms before, and the"
                      + " timer was due at %s, %d ms before it fired (tolerance %d ms)",
                  what,
                  r.where(),
                  r.timestamp(),
                  Duration.between(r.timestamp(), decided).toMillis(),
                  due.orElseThrow(),
                  Duration.between(due.orElseThrow(), decided).toMillis(),
                  tolerance.toMillis()));
        } else if (r.timestamp().isBefore(decided)) {
          raced++;
        }
      }
    }
    figures.add(
        String.format(
            Locale.ROOT,
            "timeouts %d (action %d, compensation %d) | answered %d | reply read before the timer %d"
                + " | suspects: reply sent before a late timer %d | reply sent earlier, a race"
                + " within %d ms %d",
            action + compensation,
            action,
            compensation,
            answered,
            readBefore,
            waiting,
            tolerance.toMillis(),
            raced));
    waitingLines.stream().limit(VerificationReport.SHOWN_PER_KIND).forEach(figures::add);
  }

  /** The timeout {@code e} records, if it records one. */
  private static Optional<Timeout> timeout(CommittedEvent e) {
    SagaEvent event = e.event();
    if (event.getReason() == null
        || !event.getReason().startsWith(StepError.TIMEOUT + ":")
        || event.getStep() == null
        || event.getAttempt() == null) {
      return Optional.empty();
    }
    SagaEventType type = event.getEventType();
    CommandKind kind;
    if (type == SagaEventType.STEP_RETRY_SCHEDULED || type == SagaEventType.STEP_FAILED) {
      kind = CommandKind.ACTION;
    } else if (type == SagaEventType.COMPENSATION_RETRY_SCHEDULED
        || type == SagaEventType.COMPENSATION_FAILED) {
      kind = CommandKind.COMPENSATION;
    } else {
      return Optional.empty();
    }
    return Optional.of(new Timeout(e, event.getStep(), event.getAttempt(), kind));
  }

  /** When the timer was due: the attempt's command event plus the step's timeout. */
  private static Optional<Instant> dueAt(
      Observations seen, List<CommittedEvent> events, Timeout t) {
    SagaEventType sent =
        t.kind() == CommandKind.ACTION
            ? SagaEventType.STEP_STARTED
            : SagaEventType.COMPENSATION_STARTED;
    Optional<SagaEvent> command =
        events.stream()
            .map(CommittedEvent::event)
            .filter(
                e ->
                    e.getEventType() == sent
                        && t.step().equals(e.getStep())
                        && Integer.valueOf(t.attempt()).equals(e.getAttempt()))
            .reduce((first, second) -> second);
    if (command.isEmpty() || seen.registry().isEmpty()) {
      return Optional.empty();
    }
    SagaEvent c = command.get();
    return seen.registry()
        .flatMap(r -> r.find(c.getSagaType(), c.getDefinitionVersion()))
        .flatMap(d -> d.steps().stream().filter(s -> s.name().equals(t.step())).findFirst())
        .map(StepDefinition::timeout)
        .map(c.getAt()::plus);
  }
}

package io.sagaflow.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The faults of one run, drawn from the seed before anything starts: which fault comes when, whom
 * it hits and for how long. The same seed and counts give the same plan, so a failing run can be
 * run again fault for fault with {@code --seed}; only the wall-clock moments a fault lands at
 * within the processors' work differ.
 *
 * @param faults in the order they happen
 */
record FaultPlan(List<Fault> faults) {
  private static final Duration SECONDS_2 = Duration.ofSeconds(2);
  private static final Duration SECONDS_3 = Duration.ofSeconds(3);

  /** What a fault does. */
  enum Kind {
    /** SIGKILL a saga processor, then start it again on the same data directory. */
    PROCESSOR_KILL,
    /** SIGKILL the broker, then start it again on the same data directory and port. */
    BROKER_RESTART,
    /** SIGKILL the participants' process, then start it again. */
    PARTICIPANTS_KILL,
    /**
     * SIGSTOP a processor past its transaction and session timeouts, then SIGCONT it: by then its
     * transaction was aborted and its partitions may have moved, so it must be fenced.
     */
    ZOMBIE,
    /** Start one more processor, on a fresh data directory. */
    SCALE_OUT,
    /** Stop the newest processor cleanly (SIGTERM), as a scale-down would. */
    SCALE_IN
  }

  /**
   * One fault.
   *
   * @param number 1-based position in the plan
   * @param kind what it does
   * @param target which running processor it hits, as a draw applied modulo the processors running
   *     at that moment; unused by faults that hit no processor
   * @param before how long the workload runs after the previous fault before this one
   * @param downtime how long the victim stays down (or frozen) before it is started (or resumed)
   */
  record Fault(int number, Kind kind, int target, Duration before, Duration downtime) {}

  /**
   * How many faults of each kind a run gets.
   *
   * @param processorKills processor SIGKILLs
   * @param brokerRestarts broker SIGKILLs
   * @param participantKills participant SIGKILLs
   * @param zombies processor freezes
   * @param scale whether processors are added and removed (two out, then two in)
   */
  record Counts(
      int processorKills, int brokerRestarts, int participantKills, int zombies, boolean scale) {
    int total() {
      return processorKills + brokerRestarts + participantKills + zombies + (scale ? 4 : 0);
    }
  }

  /** Copies the list. */
  FaultPlan {
    faults = List.copyOf(faults);
  }

  /**
   * Draws a plan: the faults in a seeded order (scale steps keep theirs: out, out, in, in), each
   * after a pause drawn from {@code minGap} to {@code maxGap}.
   *
   * @param zombiePause how long a zombie stays frozen: past the transaction and session timeouts
   */
  static FaultPlan draw(
      long seed, Counts counts, Duration minGap, Duration maxGap, Duration zombiePause) {
    Random random = new Random(seed);
    List<Kind> kinds = new ArrayList<>();
    add(kinds, Kind.PROCESSOR_KILL, counts.processorKills());
    add(kinds, Kind.BROKER_RESTART, counts.brokerRestarts());
    add(kinds, Kind.PARTICIPANTS_KILL, counts.participantKills());
    if (!counts.scale()) {
      add(kinds, Kind.ZOMBIE, counts.zombies());
    }
    Collections.shuffle(kinds, random);
    if (counts.scale()) {
      // Spread over the run in order, so instances come and go while the other faults land.
      List<Kind> steps = List.of(Kind.SCALE_OUT, Kind.SCALE_OUT, Kind.SCALE_IN, Kind.SCALE_IN);
      int others = kinds.size();
      // Last first, so each insert leaves the places of the earlier ones where they were.
      for (int i = steps.size() - 1; i >= 0; i--) {
        kinds.add(others * (i + 1) / (steps.size() + 1), steps.get(i));
      }
      // While the most processors run, so another instance takes the frozen one's partitions.
      int mostRunning = kinds.lastIndexOf(Kind.SCALE_OUT) + 1;
      for (int i = 0; i < counts.zombies(); i++) {
        kinds.add(mostRunning, Kind.ZOMBIE);
      }
    }
    List<Fault> faults = new ArrayList<>();
    for (Kind kind : kinds) {
      Duration before = between(random, minGap, maxGap);
      Duration downtime =
          switch (kind) {
            case PROCESSOR_KILL, PARTICIPANTS_KILL -> between(random, Duration.ZERO, SECONDS_3);
            case BROKER_RESTART -> between(random, Duration.ZERO, SECONDS_2);
            case ZOMBIE -> zombiePause;
            case SCALE_OUT, SCALE_IN -> Duration.ZERO;
          };
      faults.add(
          new Fault(faults.size() + 1, kind, random.nextInt(Integer.MAX_VALUE), before, downtime));
    }
    return new FaultPlan(faults);
  }

  /** Faults of {@code kind} in the plan. */
  long count(Kind kind) {
    return faults.stream().filter(f -> f.kind() == kind).count();
  }

  private static void add(List<Kind> kinds, Kind kind, int count) {
    for (int i = 0; i < count; i++) {
      kinds.add(kind);
    }
  }

  private static Duration between(Random random, Duration min, Duration max) {
    long span = max.toMillis() - min.toMillis();
    return min.plusMillis(span <= 0 ? 0 : (long) (random.nextDouble() * span));
  }
}

package io.sagaflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Whose code the saga processor's stream threads ran, from a JFR recording of the benchmark: each
 * CPU sample is charged to the innermost frame that is not the JDK's, by that frame's library. This
 * is how benchmarks.md splits a saga input's CPU between Kafka's clients, Kafka Streams and
 * Sagaflow's own code.
 *
 * <p>Usage: {@code ProfileSplit RECORDING.jfr [skip=TEXT]}; threads whose name contains {@code
 * skip} (for instance {@code warmup1}, the first warm-up round's clients) are left out. Only the
 * stream threads count; their producers' network threads are Kafka's alone and are measured apart
 * (the CPU breakdown's per-thread time).
 */
public final class ProfileSplit {
  /** Where a sample's innermost non-JDK frame belongs. */
  enum Owner {
    KAFKA_CLIENTS("Kafka's clients"),
    KAFKA_STREAMS("Kafka Streams"),
    ROCKSDB("RocksDB"),
    SAGAFLOW("Sagaflow"),
    AVRO("Avro"),
    OBSERVABILITY("OpenTelemetry, logging, Micrometer"),
    OTHER("other libraries"),
    JDK_ONLY("the JDK alone");

    private final String label;

    Owner(String label) {
      this.label = label;
    }

    /** The owner of a class, by its fully qualified name. */
    static Owner of(String className) {
      if (className.startsWith("org.apache.kafka.streams.")) {
        return KAFKA_STREAMS;
      } else if (className.startsWith("org.apache.kafka.")) {
        return KAFKA_CLIENTS;
      } else if (className.startsWith("org.rocksdb.")) {
        return ROCKSDB;
      } else if (className.startsWith("io.sagaflow.")) {
        return SAGAFLOW;
      } else if (className.startsWith("org.apache.avro.")) {
        return AVRO;
      } else if (className.startsWith("io.opentelemetry.")
          || className.startsWith("io.micrometer.")
          || className.startsWith("org.slf4j.")
          || className.startsWith("ch.qos.logback.")) {
        return OBSERVABILITY;
      }
      return OTHER;
    }

    /** Whether a class is the JDK's own, which a sample is never charged to. */
    static boolean isJdk(String className) {
      return className.startsWith("java.")
          || className.startsWith("javax.")
          || className.startsWith("jdk.")
          || className.startsWith("sun.")
          || className.startsWith("com.sun.");
    }
  }

  /** Samples per owner of one recording, over the threads it counted. */
  record Split(Map<Owner, Integer> samples) {
    int total() {
      return samples.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** One line per owner, largest first, as shares of the samples. */
    String describe() {
      StringBuilder out = new StringBuilder();
      int total = total();
      out.append(String.format(Locale.ROOT, "%d samples of the stream threads%n", total));
      samples.entrySet().stream()
          .sorted(Map.Entry.<Owner, Integer>comparingByValue().reversed())
          .forEach(
              e ->
                  out.append(
                      String.format(
                          Locale.ROOT,
                          "%5.1f%%  %s%n",
                          total == 0 ? 0.0 : 100.0 * e.getValue() / total,
                          e.getKey().label)));
      return out.toString();
    }
  }

  private ProfileSplit() {}

  /** The owner a sample is charged to: its innermost frame outside the JDK. */
  static Owner ownerOf(List<String> classesInnermostFirst) {
    for (String className : classesInnermostFirst) {
      if (!Owner.isJdk(className)) {
        return Owner.of(className);
      }
    }
    return Owner.JDK_ONLY;
  }

  /** Whether a thread is a Kafka Streams stream thread of the recording that should count. */
  static boolean counts(String threadName, String skip) {
    return threadName.contains("-StreamThread-")
        && !threadName.startsWith("kafka-producer-network-thread")
        && (skip.isEmpty() || !threadName.contains(skip));
  }

  /** Splits the execution samples of {@code recording}'s stream threads by owner. */
  static Split split(Path recording, String skip) throws IOException {
    Map<Owner, Integer> samples = new EnumMap<>(Owner.class);
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      RecordedThread thread = event.getThread("sampledThread");
      String name = thread == null ? null : thread.getJavaName();
      if (name == null || !counts(name, skip) || event.getStackTrace() == null) {
        continue;
      }
      List<String> classes =
          event.getStackTrace().getFrames().stream()
              .map(RecordedFrame::getMethod)
              .map(m -> m.getType().getName())
              .toList();
      samples.merge(ownerOf(classes), 1, Integer::sum);
    }
    return new Split(samples);
  }

  /**
   * Prints the split of a recording.
   *
   * @param args the recording, then optionally {@code skip=TEXT}
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].startsWith("skip="))) {
      System.err.println("Usage: ProfileSplit RECORDING.jfr [skip=TEXT]");
      System.exit(2);
    }
    Path recording = Path.of(args[0]);
    if (!Files.isReadable(recording)) {
      System.err.println("No readable recording at " + recording);
      System.exit(2);
    }
    String skip = args.length == 2 ? args[1].substring("skip=".length()) : "";
    System.out.print(split(recording, skip).describe());
  }
}

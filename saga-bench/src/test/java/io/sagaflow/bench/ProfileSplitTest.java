package io.sagaflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.bench.ProfileSplit.Owner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileSplitTest {
  @Test
  void shouldChargeASampleToItsInnermostFrameOutsideTheJdk() {
    assertThat(
            ProfileSplit.ownerOf(
                List.of(
                    "java.util.TreeMap",
                    "org.apache.kafka.common.utils.Bytes",
                    "org.apache.kafka.streams.state.internals.NamedCache",
                    "io.sagaflow.topology.SagaCoordinator")))
        .isEqualTo(Owner.KAFKA_CLIENTS);
    assertThat(
            ProfileSplit.ownerOf(
                List.of(
                    "org.apache.avro.io.BinaryEncoder",
                    "io.sagaflow.serde.AvroSerializer",
                    "org.apache.kafka.streams.processor.internals.RecordCollectorImpl")))
        .isEqualTo(Owner.AVRO);
    assertThat(ProfileSplit.ownerOf(List.of("jdk.internal.misc.Unsafe", "java.lang.Thread")))
        .isEqualTo(Owner.JDK_ONLY);
    assertThat(Owner.of("org.apache.kafka.streams.KafkaStreams")).isEqualTo(Owner.KAFKA_STREAMS);
    assertThat(Owner.of("org.rocksdb.RocksDB")).isEqualTo(Owner.ROCKSDB);
    assertThat(Owner.of("io.micrometer.core.instrument.Counter")).isEqualTo(Owner.OBSERVABILITY);
    assertThat(Owner.of("com.fasterxml.jackson.core.JsonParser")).isEqualTo(Owner.OTHER);
  }

  @Test
  void shouldCountStreamThreadsOnlyAndLeaveOutTheSkippedOnes() {
    assertThat(ProfileSplit.counts("bench-no-failures-1b5a-StreamThread-1", "warmup1")).isTrue();
    assertThat(ProfileSplit.counts("bench-warmup1-saga-1b5a-StreamThread-1", "warmup1")).isFalse();
    assertThat(
            ProfileSplit.counts(
                "kafka-producer-network-thread | bench-no-failures-1b5a-StreamThread-1-producer",
                ""))
        .isFalse();
    assertThat(ProfileSplit.counts("inventory-participant", "")).isFalse();
  }

  @Test
  void shouldSplitTheSamplesOfARealRecording(@TempDir Path dir) throws Exception {
    // Given a recording in which a thread named like a stream thread spins in this package
    Path file = dir.resolve("spin.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      recording.start();
      Thread spinner = new Thread(ProfileSplitTest::spin, "bench-test-1a2b-StreamThread-1");
      spinner.start();
      spinner.join();
      recording.stop();
      recording.dump(file);
    }

    // When it is split
    ProfileSplit.Split split = ProfileSplit.split(file, "warmup1");

    // Then its samples are there, charged to Sagaflow's code (the spinning method)
    assertThat(split.total()).isPositive();
    assertThat(split.samples().getOrDefault(Owner.SAGAFLOW, 0)).isPositive();
    assertThat(split.describe()).contains("samples of the stream threads").contains("Sagaflow");
  }

  /** About a second of work in a method of this package, for the sampler to find. */
  private static void spin() {
    long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    long x = 0;
    while (System.nanoTime() < until) {
      for (int i = 0; i < 10_000; i++) {
        x = x * 31 + i;
      }
    }
    if (x == 42) {
      System.out.println("unlikely");
    }
  }
}

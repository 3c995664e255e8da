package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.serde.InMemorySchemaRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** Settings, counters, wiring and Streams config: the small parts around the topology. */
class SagaTopologyPartsTest {
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final SagaCounters counters = new SagaCounters();
  private final DeadLetters letters = new DeadLetters(SagaTopics.DLQ, registry, true, counters);

  private SagaTopology.Settings settings(Duration interval, int budget) {
    return new SagaTopology.Settings(
        registry,
        true,
        letters,
        counters,
        interval,
        budget,
        Duration.ZERO,
        0,
        Duration.ZERO,
        Duration.ZERO);
  }

  @Test
  void shouldRejectNonPositivePunctuationInterval() {
    assertThatThrownBy(() -> settings(Duration.ZERO, 1))
        .hasMessage("punctuationInterval must be positive");
    assertThatThrownBy(() -> settings(Duration.ofMillis(-1), 1))
        .hasMessage("punctuationInterval must be positive");
    assertThatThrownBy(() -> settings(null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("punctuationInterval");
  }

  @Test
  void shouldRejectNegativeHoldSettings() {
    Duration second = Duration.ofSeconds(1);
    Duration minus = Duration.ofMillis(-1);
    assertThatThrownBy(() -> holds(minus, 0, second, second))
        .hasMessage("catchUpLimit must not be negative");
    assertThatThrownBy(() -> holds(second, -1, second, second))
        .hasMessage("busyThreshold must not be negative");
    assertThatThrownBy(() -> holds(second, 0, minus, second))
        .hasMessage("busyLimit must not be negative");
    assertThatThrownBy(() -> holds(second, 0, second, minus))
        .hasMessage("stallThreshold must not be negative");
    assertThatThrownBy(() -> holds(second, 0, second, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("stallThreshold");
    assertThat(holds(second, 0, second, Duration.ZERO).stallThreshold()).isZero();
  }

  private SagaTopology.Settings holds(
      Duration catchUp, int busyThreshold, Duration busyLimit, Duration stallThreshold) {
    return new SagaTopology.Settings(
        registry,
        true,
        letters,
        counters,
        Duration.ofMillis(200),
        1,
        catchUp,
        busyThreshold,
        busyLimit,
        stallThreshold);
  }

  @Test
  void shouldRejectNonPositiveTimerBudget() {
    assertThatThrownBy(() -> settings(Duration.ofMillis(1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timerBudget must be positive");
  }

  @Test
  void shouldDefaultIntervalBudgetAndDeadLetterTopic() {
    SagaTopology.Settings defaults = SagaTopology.Settings.of(registry, false, counters);

    assertThat(defaults.punctuationInterval())
        .isEqualTo(SagaTopology.Settings.DEFAULT_PUNCTUATION_INTERVAL);
    assertThat(defaults.timerBudget()).isEqualTo(SagaTopology.Settings.DEFAULT_TIMER_BUDGET);
    assertThat(defaults.deadLetters().topic()).isEqualTo(SagaTopics.DLQ);
    assertThat(defaults.autoRegister()).isFalse();
  }

  @Test
  void shouldCountByNameAndReportSortedSnapshot() {
    IntStream.range(0, 1000).parallel().forEach(i -> counters.increment("input.APPLIED"));
    counters.increment("dead-letter.AFTER_END");

    assertThat(counters.get("input.APPLIED")).isEqualTo(1000);
    assertThat(counters.get("never.counted")).isZero();
    assertThat(counters.snapshot())
        .containsExactly(Map.entry("dead-letter.AFTER_END", 1L), Map.entry("input.APPLIED", 1000L));
  }

  @Test
  void shouldNameTheTopicWhenCommandHasNoSink() {
    Map<String, String> sinks = new HashMap<>(Map.of("inventory.commands", "sink-inventory"));
    CoordinatorWiring wiring =
        new CoordinatorWiring(
            "st",
            "tt",
            "it",
            "replies",
            "ev",
            "obs",
            "dlq",
            sinks,
            null,
            letters,
            counters,
            Duration.ofSeconds(1),
            1,
            List.of("requests", "replies"),
            Duration.ZERO,
            0,
            Duration.ZERO,
            Duration.ZERO);
    sinks.clear();

    assertThat(wiring.commandSink("inventory.commands")).isEqualTo("sink-inventory");
    assertThatThrownBy(() -> wiring.commandSink("fax.commands"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No sink for command topic fax.commands");
  }

  @Test
  void shouldEnforceGuaranteesOverCallerSettingsButKeepCallerTuning() {
    Properties props =
        SagaStreamsConfig.create(
            Map.of(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.AT_LEAST_ONCE,
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                "500"),
            letters);

    assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("500");
    assertThat(props.get(DeadLetters.CONFIG)).isSameAs(letters);
    assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo(BoundedMemoryRocksDbConfig.class.getName());
  }

  @Test
  void shouldLetTheProducerLingerUntilTheCommitUnlessTheCallerSetsItsOwn() {
    Properties defaults =
        SagaStreamsConfig.create(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "250"), letters);
    Properties plain = SagaStreamsConfig.create(Map.of("linger.ms", "7"), letters);
    Properties prefixed = SagaStreamsConfig.create(Map.of("producer.batch.size", "1024"), letters);

    assertThat(defaults.get("producer.linger.ms")).isEqualTo("250");
    assertThat(defaults.get("producer.batch.size")).isEqualTo("65536");
    assertThat(plain.get("linger.ms")).isEqualTo("7");
    assertThat(plain).doesNotContainKey("producer.linger.ms");
    assertThat(prefixed.get("producer.batch.size")).isEqualTo("1024");
    assertThat(prefixed.get("producer.linger.ms")).isEqualTo("100");
  }

  @Test
  void shouldSkipTheUncommittedBytesCheckOnlyWithoutTransactionalStateStores() {
    Properties defaults = SagaStreamsConfig.create(Map.of(), letters);
    Properties transactional =
        SagaStreamsConfig.create(
            Map.of(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, "true"), letters);
    Properties own =
        SagaStreamsConfig.create(
            Map.of(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, "1048576"), letters);

    assertThat(
            new StreamsConfig(withRequired(defaults))
                .getLong(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG))
        .isEqualTo(-1L);
    // With transactional stores the early commit bounds their buffers: Kafka's default stays
    assertThat(transactional)
        .doesNotContainKey(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG);
    assertThat(own.get(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG)).isEqualTo("1048576");
  }

  @Test
  void shouldLeaveTheConsumersReceiveBufferToTheKernelUnlessTheCallerSizesIt() {
    Properties defaults = SagaStreamsConfig.create(Map.of(), letters);
    Properties plain = SagaStreamsConfig.create(Map.of("receive.buffer.bytes", "262144"), letters);
    Properties mainOnly =
        SagaStreamsConfig.create(Map.of("main.consumer.receive.buffer.bytes", "131072"), letters);

    // The prefix reaches every consumer of the app: main, restore and global
    StreamsConfig config = new StreamsConfig(withRequired(defaults));
    assertThat(config.getMainConsumerConfigs("g", "c", 0).get("receive.buffer.bytes"))
        .hasToString("-1");
    assertThat(config.getRestoreConsumerConfigs("c").get("receive.buffer.bytes")).hasToString("-1");
    assertThat(config.getGlobalConsumerConfigs("c").get("receive.buffer.bytes")).hasToString("-1");
    // A caller's own size wins, whether set for every client or for the main consumer only
    assertThat(
            new StreamsConfig(withRequired(plain))
                .getMainConsumerConfigs("g", "c", 0)
                .get("receive.buffer.bytes"))
        .hasToString("262144");
    assertThat(
            new StreamsConfig(withRequired(mainOnly))
                .getMainConsumerConfigs("g", "c", 0)
                .get("receive.buffer.bytes"))
        .hasToString("131072");
  }

  private static Properties withRequired(Properties props) {
    Properties all = new Properties();
    all.putAll(props);
    all.put(StreamsConfig.APPLICATION_ID_CONFIG, "receive-buffer");
    all.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
    return all;
  }

  @Test
  void shouldCapTheLingerAtASecondForLongCommitIntervals() {
    Properties props =
        SagaStreamsConfig.create(
            Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "300000"), letters);

    assertThat(props.get("producer.linger.ms")).isEqualTo("1000");
  }
}

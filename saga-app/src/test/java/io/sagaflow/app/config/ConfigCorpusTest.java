package io.sagaflow.app.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus of the configuration, one row per kind: each stops start-up with a {@link
 * ConfigException} (exit code 2 from the CLI) whose message names the setting. The CLI's own kinds
 * (a value Kafka refuses, an unreachable cluster) are in SagaflowCliIT; docs/reliability.md counts
 * them all.
 */
class ConfigCorpusTest {

  static Stream<Arguments> corpus() {
    return Stream.of(
        kind("unknown saga.* setting", Map.of(), Map.of("saga.nope", "1"), "saga.nope"),
        kind("unknown SAGA_* variable", Map.of("SAGA_ENABLD", "true"), Map.of(), "SAGA_ENABLD"),
        kind("environment not in the list", Map.of("SAGA_ENV", "staging"), Map.of(), "saga.env"),
        kind("mode not in the list", Map.of(), Map.of("saga.mode", "cloud"), "saga.mode"),
        kind("boolean that is not one", Map.of("SAGA_ENABLED", "yes"), Map.of(), "saga.enabled"),
        kind(
            "number that is not one",
            Map.of(),
            Map.of("saga.topics.partitions", "many"),
            "saga.topics.partitions"),
        kind(
            "number below its range",
            Map.of(),
            Map.of("saga.topics.partitions", "0"),
            "expected 1 to 10000"),
        kind(
            "number above its range",
            Map.of(),
            Map.of("saga.topics.partitions", "10001"),
            "expected 1 to 10000"),
        kind("port out of range", Map.of(), Map.of("saga.http.port", "70000"), "saga.http.port"),
        kind(
            "replication factor zero",
            Map.of(),
            Map.of("saga.topics.replication.factor", "0"),
            "saga.topics.replication.factor"),
        kind(
            "rate above 1",
            Map.of(),
            Map.of("saga.participants.decline.rate", "1.5"),
            "saga.participants.decline.rate"),
        kind(
            "negative rate",
            Map.of(),
            Map.of("saga.participants.silence.rate", "-0.1"),
            "saga.participants.silence.rate"),
        kind(
            "latency too long",
            Map.of(),
            Map.of("saga.participants.latency.ms", "600000"),
            "saga.participants.latency.ms"),
        kind(
            "seed that is not a number",
            Map.of(),
            Map.of("saga.participants.seed", "forty-two"),
            "saga.participants.seed"),
        kind("negative demo size", Map.of(), Map.of("saga.demo.sagas", "-1"), "saga.demo.sagas"),
        kind(
            "health window of zero seconds",
            Map.of(),
            Map.of("saga.health.thread.replacements.window.seconds", "0"),
            "saga.health.thread.replacements.window.seconds"),
        kind("blank data directory", Map.of("SAGA_DATA_DIR", " "), Map.of(), "saga.data.dir"),
        kind(
            "data directory with a NUL",
            Map.of("SAGA_DATA_DIR", "a\0b"),
            Map.of(),
            "saga.data.dir"),
        kind(
            "external mode without brokers",
            Map.of("SAGA_MODE", "external"),
            Map.of(),
            "kafka.bootstrap.servers is required"),
        kind(
            "external mode without a registry",
            Map.of("SAGA_MODE", "external", "KAFKA_BOOTSTRAP_SERVERS", "broker:9092"),
            Map.of(),
            "saga.schema.registry.url is required"),
        kind(
            "token on reads without a token",
            Map.of(),
            Map.of("saga.http.token.on.reads", "true"),
            "saga.http.token"));
  }

  private static Arguments kind(
      String name, Map<String, String> env, Map<String, String> settings, String named) {
    return Arguments.of(name, env, settings, named);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void shouldStopStartUpNamingTheSetting(
      String kind, Map<String, String> env, Map<String, String> settings, String named) {
    assertThatThrownBy(() -> ConfigLoader.load(env, settings))
        .as(kind)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(named);
  }
}

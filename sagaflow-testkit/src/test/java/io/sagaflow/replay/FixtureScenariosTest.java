package io.sagaflow.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checked-in fixtures are exactly what their scripts record today, and each shows the path it
 * is named after. Run with {@code -Dsagaflow.fixtures.write=true} to (re)write them after a
 * deliberate behaviour change, then review the diff before committing.
 */
class FixtureScenariosTest {
  private static final boolean WRITE = Boolean.getBoolean("sagaflow.fixtures.write");

  static Stream<FixtureScenarios.Scenario> scenarios() {
    return FixtureScenarios.all().stream();
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void shouldRecordExactlyTheCheckedInFixture(FixtureScenarios.Scenario scenario)
      throws IOException {
    // Given the scripted run, when it is recorded
    String recorded = FixtureFiles.toText(scenario.record());

    // Then the checked-in file is byte for byte the same
    if (WRITE) {
      Files.writeString(scenario.file(), recorded, StandardCharsets.UTF_8);
    }
    assertThat(scenario.file()).exists();
    assertThat(Files.readString(scenario.file(), StandardCharsets.UTF_8)).isEqualTo(recorded);
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void shouldShowThePathTheFixtureIsNamedAfter(FixtureScenarios.Scenario scenario) {
    Fixture fixture = scenario.record();
    List<String> events = eventTypes(fixture);
    List<String> reasons = deadLetterReasons(fixture);
    switch (scenario.name()) {
      case "happy-path" -> assertThat(events).endsWith("SAGA_COMPLETED");
      case "payment-declined", "cancel-before-pivot" ->
          assertThat(events).contains("SAGA_COMPENSATING").endsWith("SAGA_COMPENSATED");
      case "retriable-failure-retry", "timeout-retry" ->
          assertThat(attempts(fixture)).contains("2");
      case "duplicate-reply" ->
          assertThat(fixture.steps().get(fixture.steps().size() - 1).outputs()).isEmpty();
      case "poison-record" -> {
        assertThat(reasons).containsExactly("DESERIALIZATION_FAILED");
        assertThat(events).contains("SAGA_STARTED");
      }
      default -> throw new AssertionError("No expectation for scenario " + scenario.name());
    }
    assertThat(fixture.sagaType()).contains("order-fulfilment");
    assertThat(fixture.definitionVersion()).contains(1);
  }

  private static List<String> eventTypes(Fixture fixture) {
    return outputs(fixture, "saga.events")
        .map(r -> ((Payload.Avro) r.value()).value())
        .flatMap(FixtureScenariosTest::facts)
        .map(v -> v.get("eventType").asText())
        .toList();
  }

  /** A saga.events record's facts: the top-level one, then each of its furtherFacts. */
  private static Stream<JsonNode> facts(JsonNode event) {
    JsonNode further = event.path("furtherFacts");
    return Stream.concat(
        Stream.of(event), java.util.stream.StreamSupport.stream(further.spliterator(), false));
  }

  private static List<String> deadLetterReasons(Fixture fixture) {
    return outputs(fixture, "saga.dlq")
        .map(r -> ((Payload.Avro) r.value()).value())
        .map(v -> v.get("reason").asText())
        .toList();
  }

  private static List<String> attempts(Fixture fixture) {
    return fixture.steps().stream()
        .flatMap(s -> s.outputs().stream())
        .flatMap(r -> r.headers().stream())
        .filter(h -> h.name().equals("saga_attempt"))
        .map(h -> new String(h.value().orElseThrow(), StandardCharsets.UTF_8))
        .toList();
  }

  private static Stream<FixtureRecord> outputs(Fixture fixture, String topic) {
    return fixture.steps().stream()
        .flatMap(s -> s.outputs().stream())
        .filter(r -> r.topic().equals(topic));
  }
}

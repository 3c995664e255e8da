package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

/** The gate's own rules; TimersAfterRestartIT in saga-app shows it on a real broker. */
class InputCatchUpTest {

  @Test
  void shouldHoldNothingWithAZeroLimit() {
    try (InputCatchUp gate =
        InputCatchUp.start(context("127.0.0.1:1"), List.of("requests"), Duration.ZERO)) {
      assertThat(gate.caughtUp(0)).isTrue();
    }
  }

  @Test
  void shouldHoldUntilTheLimitWhenTheBrokerNeverAnswers() {
    MockProcessorContext<Object, Object> context = context("127.0.0.1:1");
    context.setCurrentSystemTimeMs(10_000);
    try (InputCatchUp gate =
        InputCatchUp.start(context, List.of("requests", "replies"), Duration.ofSeconds(5))) {
      gate.processed(Optional.empty());

      assertThat(gate.caughtUp(10_000)).isFalse();
      assertThat(gate.caughtUp(14_999)).isFalse();
      assertThat(gate.caughtUp(15_000)).isTrue();
      // Once open, it stays open.
      assertThat(gate.caughtUp(15_001)).isTrue();
    }
  }

  @Test
  void shouldBuildTheAdminClientFromTheApplicationsConnectionSettings() {
    Map<String, Object> config =
        InputCatchUp.adminConfig(
            Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG,
                "orders-app",
                "bootstrap.servers",
                "127.0.0.1:9092",
                "security.protocol",
                "SSL",
                "admin.request.timeout.ms",
                "7000",
                "request.timeout.ms",
                "3000",
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                "100",
                "sagaflow.dead.letters",
                new Object()),
            "0_3");

    assertThat(config)
        .containsOnly(
            Map.entry("bootstrap.servers", "127.0.0.1:9092"),
            Map.entry("security.protocol", "SSL"),
            Map.entry("request.timeout.ms", "7000"),
            Map.entry(AdminClientConfig.CLIENT_ID_CONFIG, "orders-app-timers-catch-up-0_3"));
  }

  private static MockProcessorContext<Object, Object> context(String bootstrap) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "catch-up-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "1000");
    return new MockProcessorContext<>(props);
  }
}

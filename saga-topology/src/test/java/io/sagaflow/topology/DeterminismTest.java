package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.PAYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.OperatorAction;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.PaymentAuthorized;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A replay of the same inputs produces the same bytes: ids and times come from inputs alone. */
class DeterminismTest {

  /** Drives a few sagas through success, failure, retry, timeouts and rejected inputs. */
  private static List<String> run() {
    try (SagaDriver saga = new SagaDriver()) {
      saga.start("d1");
      saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("res-1"));
      saga.failRetriably(saga.onlyCommand(PAYMENT), "BUSY");
      saga.tick(Duration.ofSeconds(1));
      saga.succeed(
          saga.onlyCommand(PAYMENT),
          new PaymentAuthorized("auth-1", new BigDecimal("42.50"), "EUR"));
      saga.start("d2");
      saga.failBusiness(saga.onlyCommand(INVENTORY), "OUT_OF_STOCK");
      saga.start("d3");
      saga.tick(Duration.ofSeconds(11));
      saga.cancel("d3", "changed mind");
      saga.operator("d2", OperatorAction.RETRY_STEP, "reserve-inventory");
      saga.pipeRawRequest("d4".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 0, 99});
      saga.tick(Duration.ofMinutes(6));
      // Kafka's stack-trace header of a dead letter shows the JVM's call path (reflection frames
      // change as the JIT warms up), not the inputs; everything else must match to the byte.
      return saga.transcript().stream()
          .map(l -> l.replaceAll(" __streams\\.errors\\.stacktrace=\\[[^\\]]*\\]", ""))
          .toList();
    }
  }

  @Test
  void shouldProduceByteIdenticalOutputsOnEveryTopicForTheSameInputs() {
    List<String> first = run();
    List<String> second = run();

    assertThat(second).isEqualTo(first);
    // and the run exercised every kind of output
    assertThat(first)
        .anyMatch(l -> l.startsWith(INVENTORY + " "))
        .anyMatch(l -> l.startsWith(PAYMENT + " "))
        .anyMatch(l -> l.startsWith(SagaTopics.EVENTS + " "))
        .anyMatch(l -> l.startsWith(SagaTopics.DLQ + " "))
        .anyMatch(l -> l.contains("saga-state-changelog"))
        .noneMatch(l -> l.contains("__streams.errors.stacktrace"));
  }
}

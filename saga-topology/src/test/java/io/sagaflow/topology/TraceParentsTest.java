package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceParentsTest {
  @Test
  void shouldDeriveTheSameValidSampledContextForTheSameSagaId() {
    // Given two derivations for one saga id and one for another
    String first = TraceParents.derived("order-1");
    String again = TraceParents.derived("order-1");
    String other = TraceParents.derived("order-2");

    // Then replays get the same bytes, and other sagas other traces
    assertThat(first).isEqualTo(again).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(TraceParents.traceId(first)).isPresent();
    assertThat(TraceParents.traceId(other)).isNotEqualTo(TraceParents.traceId(first));
  }

  @Test
  void shouldReadNoTraceIdFromAMalformedValue() {
    assertThat(TraceParents.traceId("not-a-trace")).isEmpty();
    assertThat(TraceParents.traceId("00-00000000000000000000000000000000-00f067aa0ba902b7-01"))
        .isEmpty();
  }
}

package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Which values a log line takes a trace id from: W3C traceparents, in lower-case hex, only. */
class SagaLogContextTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  @Test
  void shouldAcceptAWellFormedTraceparent() {
    assertThat(SagaLogContext.isTraceparent("00-" + TRACE + "-00f067aa0ba902b7-01")).isTrue();
    assertThat(SagaLogContext.isTraceparent("ff-" + TRACE + "-00f067aa0ba902b7-00")).isTrue();
  }

  @Test
  void shouldRejectValuesThatAreNotTraceparents() {
    String[] notTraceparents = {
      "", // empty
      "00-" + TRACE + "-00f067aa0ba902b7-1", // flags one digit short
      "00-" + TRACE + "-00f067aa0ba902b7-01x", // one character too many
      "00-" + TRACE.toUpperCase(Locale.ROOT) + "-00f067aa0ba902b7-01", // upper case
      "00_" + TRACE + "-00f067aa0ba902b7-01", // wrong separator
      "00-" + TRACE + "-00f067aa0ba902b7_01",
      "00-" + TRACE + "+00f067aa0ba902b7-01",
      "0g-" + TRACE + "-00f067aa0ba902b7-01", // not hex
      "00-" + TRACE.substring(1) + "-00f067aa0ba902b7a-01", // separator moved by one
    };
    for (String value : notTraceparents) {
      assertThat(SagaLogContext.isTraceparent(value)).as(value).isFalse();
    }
  }
}

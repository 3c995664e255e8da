package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParseException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class FailureSummaryTest {
  @Test
  void shouldShowKafkasMessageUpToTheStackTraceItAppends() {
    StreamsException failure =
        new StreamsException(
            "Exception caught in process. taskId=0_2, processor=saga-router, topic=saga.requests,"
                + " partition=2, offset=41, stacktrace=java.lang.IllegalStateException: card"
                + " 4111-1111",
            new IllegalStateException("card 4111-1111"));

    FailureSummary summary = FailureSummary.of(failure);

    assertThat(summary.message())
        .contains(
            "Exception caught in process. taskId=0_2, processor=saga-router,"
                + " topic=saga.requests, partition=2, offset=41");
    assertThat(summary.rootCause()).contains("java.lang.IllegalStateException");
    assertThat(summary.oneLine()).doesNotContain("4111");
  }

  @Test
  void shouldCutARecordKafkaQuotesInItsMessage() {
    SerializationException failure =
        new SerializationException(
            "Production error callback failed after serialization error for record"
                + " ProducerRecord(topic=saga.events, key=s-1, value=secret)");

    assertThat(FailureSummary.of(failure).message())
        .contains("Production error callback failed after serialization error for record");
    assertThat(FailureSummary.of(failure).oneLine()).doesNotContain("secret").doesNotContain("s-1");
  }

  @Test
  void shouldLeaveMessagesThatAreNotKafkasToTheLog() {
    // A parser quotes the input it choked on; that input may be a saga's data.
    IllegalStateException failure =
        new IllegalStateException(
            "inventory could not read the reply",
            new JsonParseException(null, "Unrecognized token 'hunter2'"));

    FailureSummary summary = FailureSummary.of(failure);

    assertThat(summary.exception()).isEqualTo("java.lang.IllegalStateException");
    assertThat(summary.message()).isEmpty();
    assertThat(summary.rootCause()).contains(JsonParseException.class.getName());
    assertThat(summary.oneLine()).doesNotContain("hunter2").doesNotContain("inventory could");
  }

  @Test
  void shouldNameTheInnermostCauseWithKafkasMessageThroughWrappers() {
    IllegalStateException failure =
        new IllegalStateException(
            "payment could not send a reply",
            new ExecutionException(new InvalidTopicException("Invalid topics: [no such]")));

    assertThat(FailureSummary.of(failure).oneLine())
        .isEqualTo(
            "java.lang.IllegalStateException (root cause:"
                + " org.apache.kafka.common.errors.InvalidTopicException: Invalid topics: [no"
                + " such])");
  }

  @Test
  void shouldKeepAKafkaMessageToOneBoundedLineWithoutControlCharacters() {
    StreamsException failure =
        new StreamsException("first\tline " + "x".repeat(500) + "\nsecond line");

    String message = FailureSummary.of(failure).message().orElseThrow();

    assertThat(message).startsWith("first line x").endsWith("...").doesNotContain("second");
    assertThat(message).hasSize(FailureSummary.MAX_MESSAGE_CHARS + 3);
    assertThat(FailureSummary.of(failure).rootCause()).isEmpty();
  }
}

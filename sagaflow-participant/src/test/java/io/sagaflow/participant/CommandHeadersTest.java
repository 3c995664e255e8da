package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.serde.SagaHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CommandHeadersTest {
  private static final UUID ID = UUID.fromString("6f1c2d1e-2b0a-3c4d-8e9f-0a1b2c3d4e5f");

  private static Headers complete() {
    Headers headers = new RecordHeaders();
    put(headers, SagaHeaders.CE_ID, ID.toString());
    put(headers, SagaHeaders.CE_SUBJECT, "saga-1");
    put(headers, SagaHeaders.SAGA_STEP, "reserve-inventory");
    put(headers, SagaHeaders.SAGA_ATTEMPT, "2");
    put(headers, SagaHeaders.SAGA_KIND, "COMPENSATION");
    return headers;
  }

  private static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldReadTheCorrelationWithTheRepliesTopicByDefault() {
    assertThat(CommandHeaders.read("saga-1", complete()))
        .isEqualTo(
            new CommandHeaders(
                "saga-1",
                ID,
                "reserve-inventory",
                2,
                CommandKind.COMPENSATION,
                "saga.replies",
                Optional.empty()));
  }

  @Test
  void shouldTakeTheSagaIdFromTheKeyWhenCeSubjectIsMissing() {
    Headers headers = complete();
    headers.remove(SagaHeaders.CE_SUBJECT);

    assertThat(CommandHeaders.read("from-key", headers).sagaId()).isEqualTo("from-key");
  }

  @Test
  void shouldNameWhatIsWrong() {
    assertInvalid("a-key", SagaHeaders.CE_ID, "x", "command's ce_id 'x' is not a UUID");
    assertInvalid("a-key", SagaHeaders.SAGA_ATTEMPT, "one", "'one' is not a whole number");
    assertInvalid("a-key", SagaHeaders.SAGA_ATTEMPT, "0", "attempts start at 1");
    assertInvalid("a-key", SagaHeaders.SAGA_KIND, "UNDO", "neither ACTION nor COMPENSATION");
    Headers noStep = complete();
    noStep.remove(SagaHeaders.SAGA_STEP);
    assertThatThrownBy(() -> CommandHeaders.read("a-key", noStep))
        .hasMessage("command has no saga_step header");
    Headers noSaga = complete();
    noSaga.remove(SagaHeaders.CE_SUBJECT);
    assertThatThrownBy(() -> CommandHeaders.read(null, noSaga))
        .hasMessageContaining("neither a ce_subject header nor a key");
  }

  private static void assertInvalid(String key, String header, String value, String message) {
    Headers headers = complete();
    put(headers, header, value);
    assertThatThrownBy(() -> CommandHeaders.read(key, headers))
        .isInstanceOf(PoisonCommandException.class)
        .hasMessageContaining(message)
        .satisfies(
            e ->
                assertThat(((PoisonCommandException) e).reason())
                    .isEqualTo(DeadLetterReason.VALIDATION_FAILED));
  }
}

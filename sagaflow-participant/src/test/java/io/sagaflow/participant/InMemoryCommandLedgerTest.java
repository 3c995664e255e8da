package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InMemoryCommandLedgerTest {
  private static StepReply reply(UUID id) {
    return StepReply.newBuilder()
        .setStep("s")
        .setAttempt(1)
        .setCommandId(id.toString())
        .setOutcome(StepOutcome.SUCCEEDED)
        .build();
  }

  @Test
  void shouldForgetTheLeastRecentlyUsedReplyBeyondItsCapacity() {
    InMemoryCommandLedger ledger = new InMemoryCommandLedger(2);
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    UUID c = UUID.randomUUID();
    ledger.record(a, reply(a));
    ledger.record(b, reply(b));
    // a is looked up again, so b is now the least recently used
    assertThat(ledger.find(a)).contains(reply(a));

    ledger.record(c, reply(c));

    assertThat(ledger.size()).isEqualTo(2);
    assertThat(ledger.find(b)).isEmpty();
    assertThat(ledger.find(a)).contains(reply(a));
    assertThat(ledger.find(c)).contains(reply(c));
  }

  @Test
  void shouldRefuseACapacityBelowOne() {
    assertThatThrownBy(() -> new InMemoryCommandLedger(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }
}

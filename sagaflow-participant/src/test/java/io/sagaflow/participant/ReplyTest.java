package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.examples.order.InventoryReserved;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplyTest {
  @Test
  void shouldCarryTheResultOfASuccess() {
    assertThat(Reply.success(new InventoryReserved("r")))
        .isEqualTo(new Reply.Success(Optional.of(new InventoryReserved("r"))));
    assertThat(Reply.success()).isEqualTo(new Reply.Success(Optional.empty()));
  }

  @Test
  void shouldRequireAnErrorCodeOnAFailure() {
    assertThatThrownBy(() -> Reply.businessFailure(" ", "no"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs an error code");
    assertThatThrownBy(() -> Reply.retriableFailure(null, "no"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

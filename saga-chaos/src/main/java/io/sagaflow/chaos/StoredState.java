package io.sagaflow.chaos;

import io.sagaflow.contract.SagaStateRecord;
import java.util.Objects;
import java.util.Optional;

/**
 * A saga's last record in the saga-state changelog.
 *
 * @param record the record
 * @param data its saga data decoded into the definition's data type; empty when it could not be
 *     decoded (the comparison then says so)
 * @param where {@code <changelog>-<partition>@<offset>}
 */
record StoredState(SagaStateRecord record, Optional<Object> data, String where) {
  /** Rejects missing parts. */
  StoredState {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(where, "where");
  }
}
